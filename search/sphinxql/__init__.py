"""The scale-out backend: the same search on a sharded SphinxQL cluster (Sphinx 2.2 here, Manticore in production).

encoding: the token text that keeps literal matching exact; config: the nodes' index definitions;
connection: SphinxQL over pymysql; rows and writer: `unionsearch index --engine`; query and
searcher: SearchIndex's search on the cluster; documents: articles, context, similar, concordance;
nodes: local searchd processes for tests and benchmarks.
"""
