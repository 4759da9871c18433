"""Step order and branching: which steps a person sees, in which order.

Pure functions of the catalogue and the answers so far, so the wizard and the
phone-intake mode walk the same path, and the progress count stays right when
a question (or a whole step) is hidden by an earlier answer.
"""

from __future__ import annotations

from collections.abc import Sequence

from questionnaire.catalogue import QUESTIONS, STEPS, Question, Step


class Flow:
    """The questionnaire as steps of questions, with visibility rules applied."""

    def __init__(self, steps: Sequence[Step], questions: Sequence[Question]):
        self.steps = tuple(steps)
        self.questions = tuple(questions)
        self._by_step = {
            step.id: tuple(q for q in self.questions if q.step == step.id) for step in self.steps
        }
        self._steps_by_id = {step.id: step for step in self.steps}

    def step(self, step_id: str) -> Step | None:
        return self._steps_by_id.get(step_id)

    def shown_questions(self, step_id: str, answers: dict[str, object]) -> tuple[Question, ...]:
        return tuple(q for q in self._by_step[step_id] if q.is_shown(answers))

    def visible_steps(self, answers: dict[str, object]) -> list[Step]:
        return [step for step in self.steps if self.shown_questions(step.id, answers)]

    def is_answered(self, step_id: str, answers: dict[str, object]) -> bool:
        return all(q.id in answers for q in self.shown_questions(step_id, answers))

    def first_unanswered(self, answers: dict[str, object]) -> Step | None:
        """The first visible step with a missing answer, or None when all are answered."""
        for step in self.visible_steps(answers):
            if not self.is_answered(step.id, answers):
                return step
        return None

    def can_show(self, step_id: str, answers: dict[str, object]) -> bool:
        """A step can be shown once every visible step before it is answered."""
        for step in self.visible_steps(answers):
            if step.id == step_id:
                return True
            if not self.is_answered(step.id, answers):
                return False
        return False

    def neighbour(self, step_id: str, answers: dict[str, object], offset: int) -> Step | None:
        visible = self.visible_steps(answers)
        ids = [step.id for step in visible]
        if step_id not in ids:
            return None
        index = ids.index(step_id) + offset
        return visible[index] if 0 <= index < len(visible) else None

    def progress(self, step_id: str, answers: dict[str, object]) -> tuple[int, int]:
        """(position, total) of a step among the steps this person will see."""
        ids = [step.id for step in self.visible_steps(answers)]
        return ids.index(step_id) + 1, len(ids)

    def steps_done(self, step_id: str, answers: dict[str, object]) -> int:
        """How many steps are done when this one is shown: the ones before it.

        A step is only shown once every visible step before it is answered
        (``can_show``), and the step on screen is not done until it is sent, so
        the progress bar starts at 0 on the first step.
        """
        position, _total = self.progress(step_id, answers)
        return position - 1

    def completed_answers(self, answers: dict[str, object]) -> dict[str, object]:
        """The full answers object: hidden questions take their declared value."""
        completed = {}
        for question in self.questions:
            if question.is_shown(answers):
                if question.id in answers:
                    completed[question.id] = answers[question.id]
            else:
                completed[question.id] = question.value_when_hidden
        return completed


DEFAULT_FLOW = Flow(STEPS, QUESTIONS)
