"""Light markup: escape first, then paragraphs and lists; no HTML typed by a user survives."""
import pytest

from tracelog.markup import excerpt, render


@pytest.mark.parametrize("text, html", [
    ("一段文字", "<p>一段文字</p>"),
    ("第一行\n第二行\n\n第二段", "<p>第一行<br>第二行</p>\n<p>第二段</p>"),
    ("- 甲\n- 乙", "<ul><li>甲</li><li>乙</li></ul>"),
    ("* 甲\n• 乙", "<ul><li>甲</li><li>乙</li></ul>"),
    ("1. 甲\n2. 乙\n3、丙\n4）丁", "<ol><li>甲</li><li>乙</li><li>丙</li><li>丁</li></ol>"),
    ("本周：\n1. 甲\n  补充说明\n- 乙", "<p>本周：</p>\n<ol><li>甲<br>补充说明</li></ol>\n<ul><li>乙</li></ul>"),
    ("<b>粗</b> & \"引号\"", "<p>&lt;b&gt;粗&lt;/b&gt; &amp; &quot;引号&quot;</p>"),
    ("- <img src=x onerror=alert(1)>", "<ul><li>&lt;img src=x onerror=alert(1)&gt;</li></ul>"),
    ("\r\n\r\n", ""),
    ("2026年11月工作", "<p>2026年11月工作</p>"),  # a year is not a numbered item
])
def test_render(text, html):
    assert render(text) == html


def test_excerpt_is_one_line():
    assert excerpt("一\n二\n\n三", 10) == "一 二 三"
    assert excerpt("很" * 30, 10) == "很" * 9 + "…"
