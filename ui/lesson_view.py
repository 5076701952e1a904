"""Draw one lesson step: text, live chart with its one-sentence summary, the question and its reveal,
and the navigation (back/next with the arrow keys, "step k of n", start again, the teacher link).

The lesson, step and text live in `st.session_state` ("lesson", "lesson_step", "ltext"), read from
the URL when a session opens and written back after every run, so a copied link reopens this step.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from urllib.parse import urlencode

import plotly.graph_objects as go
import streamlit as st

import i18n
from engine.learner_text import first_part, language_check
from figures.common import projector as projector_figure
from i18n import N_, _
from lessons import BY_SLUG, LESSONS
from lessons.core import Answer, Chart, Lesson, literal
from ui import glossary, hide, history, language, projector
from ui.lesson_backend import BACKEND
from ui.student_link import page_url

LESSON, STEP, TEXT = "lesson", "step", "ltext"
CONTROLS = {  # what a teacher link can hide: ?hide=name (each is the key of its control)
    "lesson": N_("the lesson picker"),
    "ltext": N_("the text box"),
    "restart": N_("the start-again button"),
    "link": N_("the copy-link box"),
    "teacher": N_("the teacher's link box (for students' links)"),
    "sidebar": N_("the whole sidebar"),
}
PROJECTOR_CHART_PX = 340  # a lesson chart's height on a projector: text, chart and question fit 1280x720
PROJECTOR_REVEAL_PX = 300  # a reveal chart's: narrower (REVEAL_COLUMNS), its summary wraps to more lines
PROJECTOR_CSS = """<style>  /* the step starts right under Streamlit's fixed top bar; blocks half a line apart */
[data-testid="stMainBlockContainer"], .block-container { padding-top: 4.4rem !important; }
[data-testid="stMainBlockContainer"] h3 { padding-top: 0.2rem; padding-bottom: 0.2rem; }
[data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] { gap: 0.5rem; }
</style>"""
QUESTION_COLUMNS = (3, 2)  # the chart and, beside it, the question; on a projector once answered, the reveal in
REVEAL_COLUMNS = (1, 1)  # the question's place, as wide as the chart (to fit the 720 px screen: rule 2)


def init_from_url() -> None:
    """Lesson, step and text from the URL: when the session opens, and when a link names another
    view. The URL echoing back a view this session wrote itself (the browser's copy can lag a
    step behind quick arrow presses) is not a new link, and is ignored; the browser's Back and Forward
    always are followed (ui/history.py)."""
    params = st.query_params
    signature = (params.get(LESSON), params.get(STEP), params.get(TEXT))
    written = st.session_state.setdefault("_lesson_written", [])
    echo = signature in written or signature == (None, None, None)
    if LESSON in st.session_state and echo and not history.is_history_move():
        return
    slug = params.get(LESSON)
    lesson = BY_SLUG.get(slug or "", LESSONS[0])
    st.session_state[LESSON] = lesson.slug
    st.session_state[TEXT] = params.get(TEXT) or lesson.default_text
    try:
        step = int(params.get(STEP, "1"))
    except ValueError:
        step = 1
    st.session_state["lesson_step"] = min(max(step, 1), len(lesson.steps))
    written.append(signature)


def current() -> tuple[Lesson, int, str]:
    lesson = BY_SLUG[st.session_state[LESSON]]
    return lesson, st.session_state["lesson_step"], st.session_state[TEXT]


def write_url() -> None:
    """The URL always names this lesson, step and text (the text only when it is not the default), in
    one update, so that each new view is one history entry (ui/history.py)."""
    lesson, step, text = current()
    params = {LESSON: lesson.slug, STEP: str(step)}
    if text != lesson.default_text:
        params[TEXT] = text
    if TEXT not in params and TEXT in st.query_params:
        others = {key: st.query_params.get_all(key) for key in st.query_params if key != TEXT}
        st.query_params.from_dict({**others, **params})
    elif any(st.query_params.get(key) != value for key, value in params.items()):
        st.query_params.update(params)
    written = st.session_state.setdefault("_lesson_written", [])
    signature = (params[LESSON], params[STEP], params.get(TEXT))
    if signature not in written:
        written[:] = [*written[-31:], signature]


def _choose_lesson() -> None:
    lesson = BY_SLUG[st.session_state[LESSON]]
    st.session_state[TEXT] = lesson.default_text
    st.session_state["lesson_step"] = 1


def _move(delta: int) -> None:
    lesson = BY_SLUG[st.session_state[LESSON]]
    st.session_state["lesson_step"] = min(max(st.session_state["lesson_step"] + delta, 1), len(lesson.steps))


def _restart() -> None:
    st.session_state["lesson_step"] = 1
    st.session_state["answers"] = {}


def sidebar() -> None:
    st.sidebar.selectbox(
        _("Lesson"),
        [lesson.slug for lesson in LESSONS],
        key=LESSON,
        on_change=_choose_lesson,
        format_func=lambda slug: _(BY_SLUG[slug].title),
    )
    lesson = BY_SLUG[st.session_state[LESSON]]
    st.sidebar.text_area(
        _(lesson.text_label),
        key=TEXT,
        height=220,
        help=_("Edit the example and press Ctrl+Enter: every chart and every answer is recomputed from the model."),
    )


def _use_text(text: str) -> None:
    st.session_state[TEXT] = text


def own_text(lesson: Lesson, text: str) -> bool:
    """A learner's own text: over the lesson's limit, say so and offer its first part (a named button,
    never a silent cut; the typed text stays in the box) and return False; text that does not look
    English gets one note per model the lesson runs, saying what that model will do with it."""
    if lesson.max_chars and len(text) > lesson.max_chars:
        part = first_part(text, lesson.max_chars)
        st.warning(
            _(
                "This lesson reads at most {limit:,} characters; the text has {length:,}. Nothing was "
                "cut: the text is kept as typed."
            ).format(limit=lesson.max_chars, length=len(text)),
            icon=":material/content_cut:",
        )
        st.button(
            _("Use the first {count:,} characters").format(count=len(part)),
            key="first_part",
            on_click=_use_text,
            args=(part,),
            help=_("Replaces the lesson's text with its first part, cut at a sentence end or a space."),
        )
        return False
    check = language_check(text)
    if not check.english and check.notes:
        notes = [f"**{model}**: {literal(check.notes[model])}" for model in lesson.models if model in check.notes]
        st.info(
            _("This text looks like {language}; the models here learned English.").format(
                language=literal(_(check.language))
            )
            + " "
            + " ".join(notes),
            icon=":material/translate:",
        )
    return True


def navigation(lesson: Lesson, step: int, *, with_title: bool = False) -> None:
    """Back, "step k of n", Next, Start again; `with_title` puts the lesson's title in the row (on a
    projector, where the page has no room for a separate heading)."""
    if with_title:
        st.html(PROJECTOR_CSS)
    # wide enough for "上一步 ←" at 20 px on a projector with the sidebar shown (issue 29)
    back, where, forward, again = st.columns([2.5, 4 if with_title else 3, 2.5, 2.5], vertical_alignment="center")
    back.button(
        _("Back"),
        key="back",
        on_click=_move,
        args=(-1,),
        disabled=step == 1,
        shortcut="ArrowLeft",
        help=_("Previous step (left arrow key)"),
    )
    title = f"{literal(_(lesson.title))} · " if with_title else ""
    where.markdown(title + "**" + _("Step {step} of {count}").format(step=step, count=len(lesson.steps)) + "**")
    forward.button(
        _("Next"),
        key="next",
        on_click=_move,
        args=(1,),
        disabled=step == len(lesson.steps),
        shortcut="ArrowRight",
        type="primary",
        help=_("Next step (right arrow key)"),
    )
    again.button(_("Start again"), key="restart", on_click=_restart, help=_("Back to step 1, answers cleared"))


@dataclass(frozen=True)
class StepView:
    """Everything one step shows for one text, computed once and cached: the charts are finished
    figures, the answer is the model's on this text."""

    body: str
    chart: Chart
    prompt: str = ""
    answer: Answer | None = None
    reveal: Chart | None = None


def build_step_view(slug: str, step: int, text: str, backend, projector_on: bool = False) -> StepView:
    """One step on one text with `backend` (lessons.backend.Backend); no Streamlit. Raises InputError
    when the lesson cannot use the text."""
    spec = BY_SLUG[slug].steps[step - 1]
    context = BY_SLUG[slug].prepare(text, backend)

    def finished(chart: Chart, height: int = PROJECTOR_CHART_PX) -> Chart:
        if chart.figure is None or not projector_on:
            return chart
        figure = projector_figure(go.Figure(chart.figure))
        for axis in (*figure.select_xaxes(), *figure.select_yaxes()):  # heads and layers are whole numbers
            if (axis.title.text or "").lower() in ("head", "layer"):
                axis.update(tickmode="linear", tick0=1, dtick=1, tickangle=0, nticks=None)
        if spec.question is not None:  # one screen with its question; a step without one keeps its height
            figure.update_layout(height=min(figure.layout.height or height, height))
        return Chart(chart.summary, figure, chart.html)

    question = spec.question
    return StepView(
        body=spec.text(context),
        chart=finished(spec.chart(context)),
        prompt=question.prompt(context) if question else "",
        answer=question.answer(context) if question else None,
        reveal=finished(spec.reveal_chart(context), PROJECTOR_REVEAL_PX) if spec.reveal_chart else None,
    )


@st.cache_data(show_spinner=False, max_entries=64)
def _step_view(slug: str, step: int, text: str, projector_on: bool, lang: str) -> StepView:
    i18n.use(lang)  # a cached view holds the lesson's words: one entry per interface language
    return build_step_view(slug, step, text, BACKEND, projector_on)


def step_view(slug: str, step: int, text: str, projector_on: bool) -> StepView:
    """`build_step_view` with the app's cached models, in this run's language. Raises InputError (not
    cached) when the lesson cannot use the text."""
    with st.spinner(_("Running the lesson on the text…")):
        return _step_view(slug, step, text, projector_on, i18n.current())


def figure_words(chart: Chart | None) -> list[str]:
    """The words a chart shows beside its data: its title, axis titles, legend names, panel titles."""
    if chart is None or chart.figure is None:
        return []
    layout = chart.figure.layout
    found = [layout.title.text or ""]
    found += [axis.title.text or "" for axis in (*chart.figure.select_xaxes(), *chart.figure.select_yaxes())]
    found += [a.text or "" for a in layout.annotations]
    found += [trace.name or "" for trace in chart.figure.data]
    return found


def shown_texts(title: str, view: StepView) -> list[str]:
    """Every text a learner meets on a step: before the answer and in the reveal (rule 4 of
    lessons/README.md: each glossary term among them is explained on the step)."""
    texts = [title, view.body, view.chart.summary, *figure_words(view.chart), view.prompt]
    if view.answer is not None:
        texts += [*map(view.answer.label, view.answer.options), view.answer.explanation, view.answer.caveat]
    if view.reveal is not None:
        texts += [view.reveal.summary, *figure_words(view.reveal)]
    return texts


def words_help(title: str, view: StepView) -> str | None:
    """The step heading's "?" tooltip: each glossary term the step uses, with its one-line explanation."""
    return glossary.help_text(*shown_texts(title, view)) or None


def draw(chart: Chart, key: str) -> None:
    """The chart, then its one-sentence summary (a caption screen readers read after the chart)."""
    if chart.figure is not None:
        st.plotly_chart(chart.figure, key=key, config={"displayModeBar": False})
    elif chart.html is not None:
        st.html(chart.html)
    st.caption(literal(chart.summary))


def _answer_key(lesson: Lesson, step: int, text: str) -> str:
    return f"{lesson.slug}/{step}/{hashlib.sha1(text.encode()).hexdigest()[:12]}"


def question_columns(lesson: Lesson, step: int, text: str) -> tuple:
    """The chart's column and the question's, side by side: the one place that decides how a step with a
    question is laid out (rule 2 of lessons/README.md: one screen at 1280x720 on a projector). On a
    projector an answered question gives its place to the reveal, in a column as wide as the chart's."""
    wide = projector.active() and _answer_key(lesson, step, text) in st.session_state.get("answers", {})
    return tuple(st.columns(list(REVEAL_COLUMNS if wide else QUESTION_COLUMNS), gap="medium"))


def _commit(key: str, widget_key: str) -> None:
    """The Check button's callback: committed before the page is drawn, which is then laid out as answered."""
    st.session_state.setdefault("answers", {})[key] = st.session_state.get(widget_key)


def question(lesson: Lesson, step: int, text: str, view: StepView) -> bool:
    """Ask, take a committed guess, then reveal. True once the answer is revealed (or cannot be asked).

    On a projector the reveal takes the question's place (the prompt stays; the verdict repeats the guess)."""
    q, answer = lesson.steps[step - 1].question, view.answer
    if answer.value is None:
        st.info(answer.caveat, icon=":material/info:")
        return True
    st.markdown("**" + _("Your prediction.") + "** " + view.prompt)
    answers = st.session_state.setdefault("answers", {})
    key = _answer_key(lesson, step, text)
    if projector.active() and key in answers:
        reveal(answers[key], answer)
        return True
    widget_key = f"guess-{lesson.slug}-{step}"
    if q.kind == "choice":
        guess = st.radio(
            _("Your answer"),
            answer.options,  # stable keys: a right answer is right in every language
            index=None,
            key=widget_key,
            format_func=answer.label,
            label_visibility="collapsed",
        )
    elif answer.integer:  # a count: whole numbers only, shown without decimals
        guess = st.number_input(
            _("Your answer"),
            min_value=int(q.low),
            max_value=int(q.high),
            value=None,
            step=1,
            key=widget_key,
            label_visibility="collapsed",
            placeholder=_("type a whole number"),
        )
    else:
        guess = st.number_input(
            _("Your answer"),
            min_value=float(q.low),
            max_value=float(q.high),
            value=None,
            step=0.01 if q.high <= 1 else 1.0,
            key=widget_key,
            label_visibility="collapsed",
            placeholder=_("type a number"),
        )
    check = _("Check my answer")
    st.button(
        check, key=f"check-{lesson.slug}-{step}", disabled=guess is None, on_click=_commit, args=(key, widget_key)
    )
    if key not in answers:
        st.caption(_("Commit an answer to see what the model says."))
        return False
    reveal(answers[key], answer)
    return True


def reveal(guess, answer: Answer) -> None:
    right = answer.is_right(guess)
    shown_guess = answer.shown(guess)
    template = (
        _("**Right.** You said **{guess}**; the model says **{answer}**")
        if right
        else _("**Not quite.** You said **{guess}**; the model says **{answer}**")
    )
    line = template.format(guess=literal(shown_guess), answer=literal(answer.shown()))
    if answer.tolerance_words:  # the tolerance in the answer's own words ("within 4 heads counts as right")
        line += f" ({answer.tolerance_words})"
    with st.container(key="reveal"):
        (st.success if right else st.warning)(line, icon=":material/check_circle:" if right else ":material/info:")
        st.markdown(answer.explanation)
        if answer.caveat:
            st.info(answer.caveat, icon=":material/info:")


def teacher_link(lesson: Lesson, step: int, text: str) -> None:
    """The link box a teacher copies for the class; left out under `hide=teacher` (or `hide=link`)."""
    if hide.is_hidden("teacher") or hide.is_hidden("link"):
        return
    with st.expander(_("Copy lesson link (for a class)"), icon=":material/link:"), st.container(key="link"):
        hidden = st.multiselect(
            _("Hide in the link"),
            list(CONTROLS),
            default=[n for n in hide.hidden() if n in CONTROLS] or ["teacher"],
            format_func=lambda name: _(CONTROLS[name]),
            key="hide_choice",
        )
        params = {LESSON: lesson.slug, STEP: str(step)}
        if text != lesson.default_text:
            params[TEXT] = text
        if projector.active():
            params["projector"] = "true"
        params[language.KEY] = i18n.current()  # the class's language, whatever the students' browsers say
        if hidden:
            params[hide.PARAM] = ",".join(hidden)
        base, note = page_url()
        st.code(base + "?" + urlencode(params), language=None, wrap_lines=True)
        st.caption(_("Opening it shows this step, with this text, and those controls hidden.") + " " + note)
