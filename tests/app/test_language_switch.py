"""The interface language (issue 29): `?lang=zh` switches every page to Chinese, the choice survives page switches
and teacher links, and an unknown `?lang=` value is named while the page shows English (issue 24, kind 4)."""

from __future__ import annotations

import threading
from urllib.parse import parse_qs

import i18n
from tests.app.conftest import messages, run_page
from ui import language

LESSONS = "pages/0_Lessons.py"
GATES = "pages/1_LSTM_gates.py"


def sidebar_links(at) -> list:
    return [el for el in at.sidebar.get("page_link")]


def test_lang_zh_shows_chinese_titles_and_links_that_carry_it():
    at = run_page(params={"lang": "zh"})
    assert not at.exception
    assert at.sidebar.selectbox(key="lang").value == "zh"
    assert at.title[0].value == "看看三个里程碑式 NLP 模型的内部"
    links = sidebar_links(at)
    assert [link.proto.label for link in links][:3] == ["首页", "课程", "LSTM 的门"]
    assert all(parse_qs(link.proto.query_string).get("lang") == ["zh"] for link in links)


def test_english_stays_the_default_and_adds_nothing_to_the_link():
    at = run_page()
    assert at.sidebar.selectbox(key="lang").value == "en"
    assert at.title[0].value == "Look inside three landmark NLP models"
    assert "lang" not in at.query_params
    assert all("lang" not in link.proto.query_string for link in sidebar_links(at))


def test_lang_survives_a_page_switch_through_the_sidebar_link():
    at = run_page(params={"lang": "zh", "projector": "true"})
    link = next(link for link in sidebar_links(at) if link.proto.page == "LSTM_gates")
    carried = {key: values[0] for key, values in parse_qs(link.proto.query_string).items()}
    assert carried == {"lang": "zh", "projector": "true"}
    at.switch_page(GATES)
    for key, value in carried.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception
    assert at.title[0].value == "LSTM 的门"
    assert at.toggle(key="projector").value is True


def test_the_session_keeps_its_language_when_a_link_leaves_it_out():
    at = run_page(params={"lang": "zh"})
    at.switch_page(GATES)
    at.query_params.pop("lang", None)
    at.run()
    assert not at.exception
    assert at.title[0].value == "LSTM 的门"


def test_choosing_chinese_in_the_switch_puts_it_in_the_link():
    at = run_page()
    at.sidebar.selectbox(key="lang").set_value("zh").run()
    assert not at.exception
    assert at.title[0].value == "看看三个里程碑式 NLP 模型的内部"
    assert at.query_params["lang"] in ("zh", ["zh"])


def test_a_teacher_link_carries_the_class_language():
    at = run_page(LESSONS, params={"lang": "zh", "lesson": "heads", "step": "2"})
    assert not at.exception
    link = next(code.value for code in at.code if "/Lessons?" in code.value)
    query = parse_qs(link.split("?", 1)[1])
    assert query["lang"] == ["zh"] and query["lesson"] == ["heads"] and query["step"] == ["2"]
    opened = run_page(LESSONS, params={key: values[0] for key, values in query.items()})
    assert not opened.exception
    assert opened.sidebar.selectbox(key="lang").value == "zh"
    assert opened.button(key="next").label == "下一步"


def test_an_unknown_language_is_named_and_the_page_is_english():
    at = run_page(GATES, params={"lang": "fr", "layer": "2"})
    assert not at.exception
    named = [w for w in messages(at, "warning") if "does not exist" in w]
    assert named == [
        "Language · 语言 in the link: fr does not exist (one of en (English), zh (简体中文)); showing English."
    ]
    assert at.title[0].value == "LSTM gates"
    assert "lang" not in at.query_params  # dropped, as Streamlit drops a bound widget's bad value
    assert at.selectbox(key="layer").value == "2"  # the rest of the link is kept


def test_an_english_choice_value_in_a_chinese_link_opens_that_choice():
    """A link written in English (the home page's "Try" links) keeps its view in Chinese: no "does not exist"."""
    at = run_page(GATES, params={"lang": "zh", "order": "variance"})
    assert not at.exception
    assert at.selectbox(key="order").value == "variance"
    assert at.selectbox(key="order").format_func("variance") == "方差"
    assert not [w for w in messages(at, "warning") if "不存在" in w or "does not exist" in w]


def test_a_browser_in_chinese_gets_chinese_on_a_first_visit():
    assert language.from_browser("zh-CN") == "zh"
    assert language.from_browser("zh-Hans-SG") == "zh"
    assert language.from_browser("zh_TW") == "zh"
    assert language.from_browser("en-GB") == "en"
    assert language.from_browser("fr-FR") == "en"
    assert language.from_browser(None) == "en"


def test_a_message_fixed_at_import_time_is_shown_in_the_run_language():
    spinner = language.Later(i18n.N_("Running the Transformer…"))
    results: dict[str, str] = {}

    def show(lang: str) -> None:
        i18n.use(lang)
        results[lang] = str(spinner)

    for lang in ("en", "zh"):
        thread = threading.Thread(target=show, args=(lang,))
        thread.start()
        thread.join()
    assert results == {"en": "Running the Transformer…", "zh": "正在运行 Transformer…"}


def test_a_run_without_the_context_finds_the_language_through_the_resolver():
    """A fragment rerun starts in a thread without this run's context: the registered resolver answers."""
    found: list[str] = []
    previous = list(i18n._resolver)
    i18n.set_resolver(lambda: "zh")
    try:
        thread = threading.Thread(target=lambda: found.append(i18n.current()))
        thread.start()
        thread.join()
    finally:
        i18n._resolver[:] = previous
    assert found == ["zh"]


def test_chinese_typed_into_the_models_gets_a_note_in_the_interface_language():
    at = run_page("pages/3_Transformer_attention.py", params={"lang": "zh", "text": "我坐在河边的银行门口等他。"})
    assert not at.exception
    notes = [n for n in messages(at, "info") if "MiniLM 的词表逐个收录了常用汉字" in n]
    assert len(notes) == 1, messages(at, "info")
    assert at.text_area(key="text").value == "我坐在河边的银行门口等他。"  # kept as typed
    assert at.get("plotly_chart")  # and the page keeps working
