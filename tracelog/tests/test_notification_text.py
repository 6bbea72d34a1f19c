"""Notifications stored in Chinese are shown in the reader's language (issue 14)."""
from django.utils import translation

from tracelog.models import Notification
from tracelog.notification_text import MESSAGES, in_reader_language


def test_a_stored_sentence_is_shown_in_english_with_its_parts():
    with translation.override("en"):
        assert in_reader_language("龙文批阅了您的周计划。") == "龙文 has reviewed your Weekly plan."
        assert in_reader_language("提醒：请在 2026年12月4日 18:00 前填报周小结。") == (
            "Reminder: please submit Weekly summary by 4 Dec 2026 18:00.")
        assert in_reader_language("您的账号被授予角色：考核办。") == "Your account has been granted the role: Assessment Office."
        assert Notification(text="本部门 3 人共 5 项纪实逾期未报，请督促补报。").display_text.startswith("3 people")


def test_chinese_readers_and_unknown_sentences_see_the_stored_text():
    with translation.override("zh-hans"):
        assert Notification(text="龙文批阅了您的周计划。").display_text == "龙文批阅了您的周计划。"
    with translation.override("en"):
        assert in_reader_language("会议改到周五。") == "会议改到周五。"


def test_every_known_sentence_has_an_english_translation():
    with translation.override("en"):
        missing = [msgid for msgid in MESSAGES if translation.gettext(msgid) == msgid]
    assert not missing, missing
