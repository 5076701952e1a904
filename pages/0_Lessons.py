"""Lessons: guided, predict-then-reveal tours over the live models (every answer computed on the text)."""

import streamlit as st

from lessons import LESSONS
from ui import lesson_view as view
from ui import page, projector
from ui.feedback import friendly_errors
from ui.lesson_backend import BACKEND

page.setup("Lessons")
view.init_from_url()
view.sidebar()
page.sidebar_footer()

lesson, step, text = view.current()
spec = lesson.steps[step - 1]
if not projector.active():  # on a projector the step itself gets the room
    st.title("Lessons")
    st.caption(f"{len(LESSONS)} lessons: " + " · ".join(item.title for item in LESSONS) + ". Pick one in the sidebar.")
st.header(lesson.title)
view.navigation(lesson, step)
st.subheader(spec.title)

context = None
with friendly_errors("running the lesson on your text"):
    context = lesson.prepare(text, BACKEND)
if context is not None:
    st.markdown(spec.text(context))
    view.draw(spec.chart(context), key=f"chart-{lesson.slug}-{step}")
    if spec.question is not None:
        revealed = view.question(lesson, step, text, spec, context)
        if revealed and spec.reveal_chart is not None:
            view.draw(spec.reveal_chart(context), key=f"reveal-{lesson.slug}-{step}")
view.teacher_link(lesson, step, text)
view.write_url()
