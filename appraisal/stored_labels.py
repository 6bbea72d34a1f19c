"""Values stored in Chinese that pages show through the ``label`` filter (appraisal/templatetags/labels.py).

No source line names them as a literal message, so ``make messages`` would mark their English
translations obsolete and English pages would show them in Chinese again (the browser walk of
tests/browser/test_layout.py fails then). Listing them here keeps them in the catalogue.
"""
from django.utils.translation import gettext_noop

STORED_LABELS = (
    # category columns of results and indicators
    gettext_noop("共同"), gettext_noop("业务"),
    # personnel categories (人员类别) of the seeds
    gettext_noop("综合管理类"), gettext_noop("行政执法类"), gettext_noop("专业技术类"),
    # quarter grades of routine appraisal
    gettext_noop("好"), gettext_noop("较好"), gettext_noop("较差"),
    # remarks and rewards written by the rollup
    gettext_noop("第一名"), gettext_noop("末位"), gettext_noop("三等功"),
    # scoring standards
    gettext_noop("按次扣分"), gettext_noop("人工评分"), gettext_noop("按单位类别计分"),
    # period labels
    gettext_noop("第1季度"), gettext_noop("第2季度"), gettext_noop("第3季度"), gettext_noop("第4季度"),
    gettext_noop("1月"), gettext_noop("2月"), gettext_noop("3月"), gettext_noop("4月"), gettext_noop("5月"),
    gettext_noop("6月"), gettext_noop("7月"), gettext_noop("8月"), gettext_noop("9月"), gettext_noop("10月"),
    gettext_noop("11月"), gettext_noop("12月"),
)
