"""The Textual app. Thin :class:`~exam.tui.app.ExamApp`, one module per screen, dialogs and widgets apart."""
