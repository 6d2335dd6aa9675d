"""HTML: decoding with declared/wrong charsets, article extraction, structure, furniture removal."""

from __future__ import annotations

import pytest

from index.model import Block, IngestError
from index.readers import read_document
from index.readers.html import clean_inline, declared_charset

PORTAL = """<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>沧州市总工会2022年工作总结_工会动态_沧州市总工会</title>
<meta name="ArticleTitle" content="沧州市总工会2022年工作总结">
<meta name="PubDate" content="2023-01-04 09:30">
<meta name="ContentSource" content="沧州市总工会">
<script>var _hmt = _hmt || []; document.write("统计代码");</script>
<style>.nav{{color:red}}</style></head>
<body>
<div class="top"><a href="/">首页</a> | <a href="/login">登录</a> 今天是2023年1月5日 星期四</div>
<div class="nav"><ul><li><a href="/">网站首页</a></li><li><a href="/gh">工会动态</a></li>
<li><a href="/zc">政策法规</a></li><li><a href="/fw">职工服务</a></li></ul></div>
<form class="search-form"><input name="q"><button>搜索</button></form>
<div class="main">
 <div class="left">
  <div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/gh">工会动态</a> &gt; 正文</div>
  <div class="article">
   <h1>沧州市总工会2022年工作总结</h1>
   <div class="info">来源：沧州市总工会　发布时间：2023-01-04　浏览次数：1234　【字体：大 中 小】</div>
   <div class="content" id="zoom">
    <p>　　2022年，全市各级工会组织在市委和省总工会的坚强领导下，
       团结动员广大职工建功新时代，堃喆两位劳模受到表彰。</p>
    <p>　　一、坚持政治引领，思想政治工作扎实有效</p>
    <p>　　深入开展“中国梦·劳动美”主题教育，举办宣讲活动<span>505</span>场次，覆盖职工<b>12万</b>人次。</p>
    <p>全年建成职工书屋1800多家。<br>新建户外劳动者服务站点120个。<br><br></p>
    <div style="text-align:center"><img src="p1.jpg" alt="活动现场"></div>
    <p style="display:none">隐藏的关键词堆砌</p>
    <p>　　二、坚持服务大局，劳动竞赛成效显著</p>
    <p>　　聚焦重点项目开展劳动竞赛，覆盖全市120个重点项目、350余家单位，相关成果的版权所有人为参赛单位，
    职工创新成果转化收益按约定分配。</p>
   </div>
   <div class="share">分享到：<a href="#">微信</a><a href="#">微博</a><a href="#">QQ空间</a></div>
   <div class="page-nav"><p>上一篇：<a href="/a1">市总工会召开全委会议</a></p>
   <p>下一篇：<a href="/a2">我市举办职工运动会</a></p></div>
  </div>
 </div>
 <div class="right">
  <h3>热点新闻</h3>
  <ul><li><a href="/x1">全市工会系统召开安全生产工作会议</a></li>
  <li><a href="/x2">市总工会开展送温暖活动慰问困难职工</a></li></ul>
  <div class="ad"><a href="http://ad.example"><img src="ad.gif" alt="广告"></a>职工疗休养专线</div>
 </div>
</div>
<div class="footer">
 <p>主办单位：沧州市总工会　地址：沧州市运河区解放西路　电话：0317-1234567</p>
 <p>版权所有：沧州市总工会　冀ICP备12345678号-1　冀公网安备 13090202000123号</p>
 <p>Copyright &copy; 2023 All Rights Reserved</p>
</div>
<script src="share.js"></script>
</body></html>
"""

PORTAL_BLOCKS = [
    Block("沧州市总工会2022年工作总结", heading_level=1),
    Block("来源：沧州市总工会　发布时间：2023-01-04"),
    Block("2022年，全市各级工会组织在市委和省总工会的坚强领导下，团结动员广大职工建功新时代，堃喆两位劳模受到表彰。"),
    Block("一、坚持政治引领，思想政治工作扎实有效"),
    Block("深入开展“中国梦·劳动美”主题教育，举办宣讲活动505场次，覆盖职工12万人次。"),
    Block("全年建成职工书屋1800多家。"),
    Block("新建户外劳动者服务站点120个。"),
    Block("二、坚持服务大局，劳动竞赛成效显著"),
    Block(
        "聚焦重点项目开展劳动竞赛，覆盖全市120个重点项目、350余家单位，相关成果的版权所有人为参赛单位，"
        "职工创新成果转化收益按约定分配。"
    ),
]

SEMANTIC = """<html><head><meta charset="utf-8"><title>青海省工会五年工作综述</title></head>
<body>
<header><a href="/"><img src="logo.png"></a><nav><a href="/">首页</a><a href="/news">新闻</a></nav></header>
<article>
<header><h2>青海省工会五年工作综述</h2><p class="byline">本报记者 张三</p></header>
<p>五年来，青海省各级工会认真履行维权服务基本职责，职工群众获得感不断增强。</p>
<h3>一、思想<em>引领</em></h3>
<p>坚持用党的创新理论武装职工头脑。</p>
<ul><li>举办培训班86期</li><li>开展宣讲2300场次</li></ul>
<table><caption>入会情况</caption>
<tr><th>年度</th><th>入会人数</th></tr><tr><td>2018</td><td>12万</td></tr><tr><td> </td><td></td></tr>
</table>
<figure><img src="a.jpg" alt="现场"><figcaption>图为职工技能大赛现场</figcaption></figure>
<h3>二、维权服务</h3>
<p>建立健全困难职工帮扶机制，累计帮扶困难职工3.2万人次。</p>
<footer>责任编辑：王五</footer>
</article>
<aside><h4>相关阅读</h4><p>相关文章一的摘要文字</p></aside>
<footer>版权所有 © 青海工人报社 青ICP备00000001号</footer>
</body></html>
"""

SEMANTIC_BLOCKS = [
    Block("青海省工会五年工作综述", heading_level=2),
    Block("本报记者 张三"),
    Block("五年来，青海省各级工会认真履行维权服务基本职责，职工群众获得感不断增强。"),
    Block("一、思想引领", heading_level=3),
    Block("坚持用党的创新理论武装职工头脑。"),
    Block("举办培训班86期"),
    Block("开展宣讲2300场次"),
    Block("入会情况"),
    Block("年度　入会人数"),
    Block("2018　12万"),
    Block("图为职工技能大赛现场"),
    Block("二、维权服务", heading_level=3),
    Block("建立健全困难职工帮扶机制，累计帮扶困难职工3.2万人次。"),
    Block("责任编辑：王五"),
]


def _read(tmp_path, data: bytes, name: str = "page.html"):
    path = tmp_path / name
    path.write_bytes(data)
    return read_document(path)


class TestDecoding:
    def test_declared_gb2312_holding_gbk_characters(self, tmp_path):
        doc = _read(tmp_path, PORTAL.format(charset="gb2312").encode("gbk"))
        assert doc.format == "html"
        assert doc.blocks == PORTAL_BLOCKS

    def test_wrongly_declared_utf8_but_gbk(self, tmp_path):
        doc = _read(tmp_path, PORTAL.format(charset="utf-8").encode("gb18030"), name="page.htm")
        assert doc.blocks == PORTAL_BLOCKS

    def test_declared_gbk_but_utf8(self, tmp_path):
        doc = _read(tmp_path, PORTAL.format(charset="gbk").encode("utf-8"))
        assert doc.blocks == PORTAL_BLOCKS

    def test_server_default_latin1_declared_on_gbk_page(self, tmp_path):
        doc = _read(tmp_path, PORTAL.format(charset="iso-8859-1").encode("gbk"))
        assert doc.blocks == PORTAL_BLOCKS

    def test_big5_page_declared_big5(self, tmp_path):
        page = '<html><head><meta charset="big5"><title>工會</title></head><body><p>臺灣省總工會職工權益保障</p></body></html>'
        assert _read(tmp_path, page.encode("big5")).blocks == [Block("臺灣省總工會職工權益保障")]

    def test_utf16_bom_page(self, tmp_path):
        page = "<html><body><p>工会工作</p></body></html>"
        assert _read(tmp_path, "\ufeff".encode("utf-16-le") + page.encode("utf-16-le")).blocks == [Block("工会工作")]

    def test_xhtml_declaration(self, tmp_path):
        page = '<?xml version="1.0" encoding="gbk"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><body><p>职工之家建设</p></body></html>'
        assert _read(tmp_path, page.encode("gbk")).blocks == [Block("职工之家建设")]

    def test_declared_charset_sniffing(self):
        assert declared_charset(b'<meta charset="GB2312">') == "GB2312"
        assert declared_charset(b"<meta http-equiv=Content-Type content='text/html; charset=gbk'>") == "gbk"
        assert declared_charset(b"<p>no declaration</p>") is None


class TestArticleExtraction:
    def test_portal_metadata(self, tmp_path):
        doc = _read(tmp_path, PORTAL.format(charset="utf-8").encode("utf-8"))
        assert doc.metadata == {
            "html_title": "沧州市总工会2022年工作总结_工会动态_沧州市总工会",
            "html_article_title": "沧州市总工会2022年工作总结",
            "html_pubdate": "2023-01-04 09:30",
            "html_source": "沧州市总工会",
        }

    def test_semantic_page(self, tmp_path):
        doc = _read(tmp_path, SEMANTIC.encode("utf-8"))
        assert doc.blocks == SEMANTIC_BLOCKS
        assert doc.metadata == {"html_title": "青海省工会五年工作综述"}

    def test_aspnet_form_wrapping_the_page_is_kept(self, tmp_path):
        page = (
            "<html><body><form id='form1' method='post'><input type='hidden' name='__VIEWSTATE'>"
            "<div id='header'><a href='/'>首页</a><a href='/x'>新闻</a></div>"
            "<div class='con'><h1>全市工会召开会议</h1><p>会议总结了上半年工会工作，部署了下半年重点任务。</p>"
            "<p>会议强调，要深化产业工人队伍建设改革。</p></div>"
            "<div id='footer'>版权所有 某市总工会</div></form></body></html>"
        )
        assert _read(tmp_path, page.encode("utf-8")).blocks == [
            Block("全市工会召开会议", heading_level=1),
            Block("会议总结了上半年工会工作，部署了下半年重点任务。"),
            Block("会议强调，要深化产业工人队伍建设改革。"),
        ]

    def test_layout_table_page(self, tmp_path):
        long = "各级工会组织深入开展劳动和技能竞赛，推动产业工人队伍建设改革，切实维护职工合法权益。"
        page = (
            "<html><body><table><tr><td><a href='/'>首页</a></td><td><a href='/a'>工会要闻</a></td></tr></table>"
            "<table width='960'><tr><td width='200'><a href='/l1'>栏目一</a><br><a href='/l2'>栏目二</a></td>"
            "<td><table><tr><td class='bt'>某县总工会2023年工作综述</td></tr>"
            f"<tr><td>　　{long}<br>　　第二段：{long}</td></tr></table></td></tr></table>"
            "<table><tr><td>地址：某县人民路1号 电话：1234567</td></tr></table></body></html>"
        )
        assert _read(tmp_path, page.encode("gbk")).blocks == [
            Block("某县总工会2023年工作综述", heading_level=1),  # class="bt" (标题) marks it
            Block(long),
            Block("第二段：" + long),
        ]

    def test_data_table_rows_and_merged_cells(self, tmp_path):
        page = (
            "<html><body><h1>统计</h1><p>全市工会会员统计如下，数据截至年底，仅供参考。</p><table>"
            "<tr><td>指标</td><td>2021年</td><td>2022年</td></tr>"
            "<tr><td>会员<br>人数</td><td colspan='2'>600万</td></tr>"
            "<tr><td></td><td>&nbsp;</td><td></td></tr></table></body></html>"
        )
        assert _read(tmp_path, page.encode("utf-8")).blocks == [
            Block("统计", heading_level=1),
            Block("全市工会会员统计如下，数据截至年底，仅供参考。"),
            Block("指标　2021年　2022年"),
            Block("会员　人数　600万"),
        ]

    def test_wechat_article_hidden_until_script_runs(self, tmp_path):
        page = """<html><head><title>职工书屋建设经验分享</title></head><body>
<div id="js_article"><h1 class="rich_media_title">
    职工书屋建设经验分享
</h1>
<div id="meta_content"><span>某市总工会</span> <em>2023-04-23</em></div>
<div class="rich_media_content" id="js_content" style="visibility: hidden;">
<section><span style="font-size:15px">近年来，</span><span>我市职工书屋建设</span>取得了显著成效。</section>
<p><br></p><section><strong>一是</strong>加强阵地建设，推动书屋进车间、进班组。</section>
<p style="text-align:center"><span>扫描二维码 关注我们</span></p></div>
<div class="rich_media_tool"><a>阅读原文</a></div></div>
<div class="qr_code_pc"><p>微信扫一扫<br>关注该公众号</p></div></body></html>"""
        assert _read(tmp_path, page.encode("utf-8")).blocks == [
            Block("职工书屋建设经验分享", heading_level=1),
            Block("某市总工会 2023-04-23"),
            Block("近年来，我市职工书屋建设取得了显著成效。"),
            Block("一是加强阵地建设，推动书屋进车间、进班组。"),
        ]

    def test_title_by_class_and_comments_dropped(self, tmp_path):
        page = """<html><head><title>关于做好送温暖工作的通知-某省总工会</title></head><body>
<div class="wrap"><div class="bt">关于做好送温暖工作的通知</div>
<div class="fbsj">发布时间：2023-01-10　来源：办公室　【打印本页】【关闭窗口】</div>
<div class="TRS_Editor"><p><font face="仿宋">各市州总工会：</font></p>
<p><font face="仿宋">　　为做好元旦春节期间送温暖工作，现就有关事项通知如下。</font></p>
<p><font>　　一、高度重视，加强领导。</font></p></div>
<div class="comment"><h3>网友评论</h3><p>写得很好，我们单位会认真落实这个通知的精神，把温暖送到每一位困难职工的心坎上。</p></div>
</div></body></html>"""
        assert _read(tmp_path, page.encode("gb18030")).blocks == [
            Block("关于做好送温暖工作的通知", heading_level=1),
            Block("发布时间：2023-01-10　来源：办公室"),
            Block("各市州总工会："),
            Block("为做好元旦春节期间送温暖工作，现就有关事项通知如下。"),
            Block("一、高度重视，加强领导。"),
        ]

    def test_page_with_only_navigation_has_no_text(self, tmp_path):
        page = "<html><body><nav><a href='/'>首页</a></nav><div class='footer'>版权所有</div></body></html>"
        with pytest.raises(IngestError, match="文档中没有找到文字"):
            _read(tmp_path, page.encode("utf-8"))


class TestInlineText:
    def test_no_spaces_between_chinese_characters(self):
        assert clean_inline("全市各级工会\n      组织积极参与") == "全市各级工会组织积极参与"

    def test_english_words_keep_one_space(self):
        assert clean_inline("  Trade   union\n work\u00a0plan ") == "Trade union work plan"

    def test_inline_elements_join_without_spaces(self, tmp_path):
        page = "<html><body><p><span>工会</span><b>工作</b><a href='#'>总结</a>与<i>展望</i></p></body></html>"
        assert _read(tmp_path, page.encode("utf-8")).blocks == [Block("工会工作总结与展望")]

    def test_br_splits_paragraphs_and_pre_keeps_lines(self, tmp_path):
        page = "<html><body><p>第一段<br/>第二段<br><br>第三段</p><pre>  一行\n二行\n</pre></body></html>"
        assert _read(tmp_path, page.encode("utf-8")).blocks == [
            Block("第一段"),
            Block("第二段"),
            Block("第三段"),
            Block("一行", wrapped=True),
            Block("二行", wrapped=True),
        ]
