"""Issue 14: result tables head their columns in words, not formula letters (``年度得分 DA``)."""
import re
from pathlib import Path

from django.conf import settings

LETTER_HEADER = re.compile(r'translate "[^"]*[\u4e00-\u9fff] (?:DA|D|H|M|R|Rh|P|B|G|S|A|C)"')


def test_no_column_header_ends_in_a_formula_letter():
    templates = Path(settings.BASE_DIR) / "templates" / "rewards"
    found = []
    for path in ("overview.html", "department.html", "person.html", "trends.html"):
        text = (templates / path).read_text(encoding="utf-8")
        found += [(path, m.group(0)) for m in LETTER_HEADER.finditer(text)]
        found += [(path, m.group(0)) for m in re.finditer(r"得分 [DH]\{% endblocktranslate", text)]
    assert not found, found
