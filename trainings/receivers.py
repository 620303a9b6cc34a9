"""Signal receivers connected in TrainingsConfig.ready."""


def on_course_passed(sender, completion, **kwargs) -> None:
    """Passing a prerequisite e-learning after attending completes the training (ADR 0017)."""
    from .services import trainings_complete_after_prerequisite

    trainings_complete_after_prerequisite(completion=completion)
