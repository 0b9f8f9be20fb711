"""The public page's own sentences (``bot.web.page``): headings, labels, links and the footer.

Plain text: the page's template escapes everything it is given. Dates, countdowns, status notes and
sources come from ``dates``, ``status`` and ``cards``, the same words the bot uses in a chat.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.wording.dates import moment
from bot.wording.language import Language


@dataclass(frozen=True)
class PageWords:
    title: str
    intro: str
    skip: str
    languages: str
    follow: str
    open_bot: str | None
    bot_why: str
    subscribe: str
    download: str
    calendar_why: str
    upcoming: str
    recent: str
    nothing: str
    when: str
    where: str
    status: str
    as_of: str
    precision: str


def page_words(lang: Language, now: datetime, zone: ZoneInfo, bot_username: str | None) -> PageWords:
    return PageWords(
        title=lang._("India–Russia summit and visits: countdowns"),
        intro=lang._(
            "When each event is expected, how long is left, who has confirmed it and who said so. Dates "
            "are only as precise as their sources."
        ),
        skip=lang._("Skip to the events"),
        languages=lang._("Language"),
        follow=lang._("Follow the events"),
        open_bot=lang._("Open @{username} in Telegram").format(username=bot_username)
        if bot_username
        else None,
        bot_why=lang._("Reminders before each event, and a note whenever its status, date or place changes."),
        subscribe=lang._("Subscribe in your calendar app"),
        download=lang._("Download the calendar (.ics)"),
        calendar_why=lang._("The calendar updates itself when a date moves."),
        upcoming=lang._("Upcoming"),
        recent=lang._("Recent"),
        nothing=lang._("Nothing scheduled."),
        when=lang._("When"),
        where=lang._("Where"),
        status=lang._("Status"),
        as_of=lang._("Countdowns as of {moment}.").format(moment=moment(now, zone, lang)),
        precision=lang._("Times are in each event's own time zone."),
    )
