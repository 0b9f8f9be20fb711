"""Storage: the tables (``models``), their versions (``schema``, ``migrations/``) and the ``Store``.

SQLite by default; PostgreSQL when ``SUMMITBOT_DB`` names one, where several processes may share it.
"""

from bot.storage.models import DeliveryState
from bot.storage.store import (
    Choices,
    Delivery,
    Held,
    HeldEdit,
    NewDelivery,
    NoteRow,
    NoteWriter,
    Outcome,
    Reader,
    Store,
    Subscriber,
    ToldState,
)

__all__ = [
    "Choices",
    "Delivery",
    "DeliveryState",
    "Held",
    "HeldEdit",
    "NewDelivery",
    "NoteRow",
    "NoteWriter",
    "Outcome",
    "Reader",
    "Store",
    "Subscriber",
    "ToldState",
]
