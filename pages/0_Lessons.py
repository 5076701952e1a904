"""Lessons: guided, predict-then-reveal tours over the live models (every answer computed on the text)."""

import streamlit as st

from i18n import _
from lessons import LESSONS
from ui import hide, page, projector
from ui import lesson_view as view
from ui.feedback import friendly_errors

page.setup("Lessons")
view.init_from_url()
view.sidebar()
page.sidebar_footer()

lesson, step, text = view.current()
if not projector.active():  # on a projector the step itself gets the room
    st.title(_("Lessons"))
    listed = (  # a class link that hides the sidebar has nowhere to pick from: no pointer to it
        _("{count} lessons: {titles}.")
        if hide.is_hidden("sidebar")
        else _("{count} lessons: {titles}. Pick one in the sidebar.")
    )
    st.caption(listed.format(count=len(LESSONS), titles=" · ".join(_(item.title) for item in LESSONS)))
if not projector.active():
    st.header(_(lesson.title))
view.navigation(lesson, step, with_title=projector.active())
title = _(lesson.steps[step - 1].title)
heading = st.empty()
heading.subheader(title)

shown = None
if view.own_text(lesson, text):  # over the limit: the first part is offered instead of running
    with friendly_errors(_("running the lesson on your text")):
        shown = view.step_view(lesson.slug, step, text, projector.active())
if shown is not None:
    heading.subheader(title, help=view.words_help(title, shown))  # "?": the step's words, explained
    st.markdown(shown.body)
    if shown.answer is None:
        with st.container(key="step_chart"):
            view.draw(shown.chart, key=f"chart-{lesson.slug}-{step}")
    else:  # one screen: the chart beside the question; once answered, the reveal takes the chart's place
        left, right = view.question_columns(lesson, step, text)
        with right:
            revealed = view.question(lesson, step, text, shown)
        with left, st.container(key="step_chart"):
            if revealed and shown.reveal is not None:
                view.draw(shown.reveal, key=f"reveal-{lesson.slug}-{step}")
            else:
                view.draw(shown.chart, key=f"chart-{lesson.slug}-{step}")
view.teacher_link(lesson, step, text)
view.write_url()
