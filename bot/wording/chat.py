"""What the bot says in conversation: welcome, help, buttons, the command menu and every reply to a
setting (subscriptions, reminders, time zone, language), errors, and the terminal chat's frame.

Plain text unless a name ends in ``_html``; a reply that quotes what someone typed shortens it with
``echoed`` first, so no reply can outgrow one message.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from html import escape
from zoneinfo import ZoneInfo

from bot.events import format_lead
from bot.languages import ENDONYMS
from bot.wording.dates import lead_text, listing, number, short_moment
from bot.wording.fit import echoed, fit_lines
from bot.wording.language import Language
from bot.wording.markup import bold, italic


def welcome_html(lang: Language) -> str:
    return "\n".join(
        [
            bold(lang._("Welcome to summitbot.")),
            escape(
                lang._(
                    "I count down to the India–Russia summit and related visits, remind you before each "
                    "one, and tell you when a date, place or confirmation changes. Every status comes "
                    "with its source."
                )
            ),
            "",
            escape(lang._("Subscribe to get reminders, or try /next.")),
        ]
    )


def commands(lang: Language) -> list[tuple[str, str]]:
    """The command menu (``setMyCommands``), registered once per language."""
    return [
        ("next", lang._("The next event, with countdown and status")),
        ("events", lang._("Upcoming and recent events")),
        ("status", lang._("Who has confirmed what, with sources")),
        ("event", lang._("One event and its history: /event summit")),
        ("subscribe", lang._("Reminders before each event")),
        ("follow", lang._("Follow one event: /follow summit")),
        ("following", lang._("What this chat follows")),
        ("mute", lang._("Silence one event: /mute summit")),
        ("quiet", lang._("Quiet hours: /quiet 22:00-07:00")),
        ("reminders", lang._("Choose lead times: /reminders 1d 2h")),
        ("timezone", lang._("Show times in your zone: /timezone Delhi")),
        ("language", lang._("Choose the language: English, Русский, हिन्दी")),
        ("unsubscribe", lang._("Stop reminders")),
        ("help", lang._("What this bot can do")),
    ]


def help_html(lang: Language, bot_username: str | None = None) -> str:
    """The commands; with the bot's username, how to share an event in any chat too."""
    lines = [
        bold(lang._("What I can do")),
        escape(lang._("/next – the next event, with countdown and status")),
        escape(lang._("/events – upcoming and recent events")),
        escape(lang._("/status – who has confirmed what, with sources")),
        escape(lang._("/event <name> – one event and its history")),
        escape(lang._("/subscribe – reminders before each event and notes when something changes")),
        escape(lang._("/unsubscribe – stop them")),
        escape(lang._("/follow <name> – only that event; /unfollow <name> stops it")),
        escape(lang._("/following – what this chat follows, with buttons to stop each")),
        escape(lang._("/mute <name> – silence one event while following all; /unmute brings it back")),
        escape(lang._("/quiet 22:00-07:00 – hold alerts that can wait until morning; /quiet off")),
        escape(lang._("/reminders 1d 2h – choose which reminders you get")),
        escape(lang._("/timezone <city or zone> – show exact times in your zone")),
        escape(lang._("/language – English, Русский or हिन्दी")),
        escape(lang._("/help – this message")),
        "",
        escape(lang._("You can also ask in plain words, for example “is Putin's visit confirmed?”")),
        escape(lang._("In a group, only its admins can change its settings; anyone can ask.")),
    ]
    if bot_username:
        lines.append(
            escape(
                lang._("To share an event in any chat, type @{bot} and its name, for example @{bot} summit.")
            ).format(bot=escape(bot_username))
        )
    return "\n".join(lines)


def subscribed(lang: Language) -> str:
    return lang._(
        "Subscribed. You will get a reminder before each event and a note whenever its status, date or "
        "place changes."
    )


def already_subscribed(lang: Language) -> str:
    return lang._("You are already subscribed. /unsubscribe stops the reminders.")


def unsubscribed(lang: Language) -> str:
    return lang._("Unsubscribed. You will get no more reminders; /subscribe brings them back.")


def not_subscribed(lang: Language) -> str:
    return lang._("You were not subscribed. /subscribe starts reminders.")


def unknown_command(lang: Language) -> str:
    return lang._("I don't know that command. /help lists what I can do.")


def not_text(lang: Language) -> str:
    return lang._("I can only read text. Try /next or /help.")


def sorry(lang: Language) -> str:
    return lang._("Sorry, something went wrong on my side. Please try again in a moment.")


def admins_only(lang: Language) -> str:
    return lang._("That command is for the bot's operators.")


# ---------------------------------------------------------------- groups


def group_admins_only(lang: Language) -> str:
    return lang._(
        "Only this group's admins can change its settings. Anyone can ask /next, /events or /status."
    )


def admin_check_failed(lang: Language) -> str:
    return lang._("I could not check whether you are an admin of this group. Please try again in a moment.")


# ---------------------------------------------------------------- links to an event (deep links)


def link_unknown(lang: Language) -> str:
    return lang._("The link you followed names no event I know; it may have been taken out of the calendar.")


def button_follow(lang: Language) -> str:
    return lang._("🔔 Follow in summitbot")


def button_subscribe(lang: Language) -> str:
    return lang._("🔔 Subscribe")


def button_unsubscribe(lang: Language) -> str:
    return lang._("🔕 Unsubscribe")


def button_next(lang: Language) -> str:
    return lang._("⏭ Next event")


def button_events(lang: Language) -> str:
    return lang._("🗓 All events")


def button_expired(lang: Language) -> str:
    return lang._("That button has expired. Try /help.")


# ---------------------------------------------------------------- /reminders


def _lead_keys(leads: Sequence[timedelta]) -> str:
    return " ".join(format_lead(lead) for lead in leads)


def _leads(leads: Sequence[timedelta], lang: Language, style: str = "standard") -> str:
    return listing([lead_text(lead, lang) for lead in leads], lang, style)


def reminders_none_planned(lang: Language) -> str:
    return lang._(
        "No event in the calendar plans reminders before it right now. Subscribers still get the notes "
        "for events known only to the month or to a window, and every change of date, place or status."
    )


def reminders_now(chosen: Sequence[timedelta] | None, planned: Sequence[timedelta], lang: Language) -> str:
    """``chosen`` is None for every planned reminder, else the chosen ones the calendar still plans."""
    if not planned:
        return reminders_none_planned(lang)
    total = len(planned)
    if chosen is None:
        return lang.ngettext(
            "You get {n} reminder before each event: {leads} (when its date is precise enough). "
            "Keep only some with, for example, /reminders {example}.",
            "You get {n} reminders before each event: {leads} (when its date is precise enough). "
            "Keep only some with, for example, /reminders {example}.",
            total,
        ).format(
            n=number(total, lang),
            leads=_leads(planned, lang),
            example=_lead_keys(planned[1:3] or planned[:1]),
        )
    if not chosen:
        return lang._(
            "None of the reminders you chose is planned any more, so you get no reminder before an "
            "event. Choose from: {choices}, or /reminders all."
        ).format(choices=_lead_keys(planned))
    return lang.ngettext(
        "You get {n} of the {total} planned reminders before each event: {leads} (when its date is "
        "precise enough). /reminders all brings back all of them.",
        "You get {n} of the {total} planned reminders before each event: {leads} (when its date is "
        "precise enough). /reminders all brings back all of them.",
        total,
    ).format(n=number(len(chosen), lang), total=number(total, lang), leads=_leads(chosen, lang))


def reminders_unreadable(planned: Sequence[timedelta], lang: Language) -> str:
    """The chat's stored choice could not be read (an older version kept whatever it was sent)."""
    if not planned:
        return reminders_none_planned(lang)
    return lang.ngettext(
        "I could not read the reminders you chose earlier, so you get the {n} planned one again before "
        "each event: {leads} (when its date is precise enough).",
        "I could not read the reminders you chose earlier, so you get all {n} again before each event: "
        "{leads} (when its date is precise enough).",
        len(planned),
    ).format(n=number(len(planned), lang), leads=_leads(planned, lang))


def reminders_invalid(given: str, planned: Sequence[timedelta], lang: Language) -> str:
    return lang._(
        "“{given}” is not a lead time. Give a number and w, d, h or m, for example /reminders {example}."
    ).format(given=echoed(given), example=_lead_keys(planned) or "1d 2h")


def reminders_unplanned(unplanned: Sequence[timedelta], planned: Sequence[timedelta], lang: Language) -> str:
    return lang._("No event plans a reminder {leads}. Choose from: {choices}.").format(
        leads=_leads(unplanned, lang, "or"), choices=_lead_keys(planned)
    )


def reminders_too_many(limit: int, planned: Sequence[timedelta], lang: Language) -> str:
    return lang._("That is too many lead times. Choose at most {limit} from: {choices}.").format(
        limit=number(limit, lang), choices=_lead_keys(planned)
    )


# ---------------------------------------------------------------- /timezone


def timezone_now(zone: ZoneInfo | None, now: datetime, lang: Language) -> str:
    if zone is None:
        return lang._(
            "Times are shown in each event's own zone. Send /timezone followed by your city or zone (for "
            "example /timezone Delhi, /timezone Moscow or /timezone Europe/Berlin) to see exact times in "
            "yours."
        )
    return lang._(
        "Times will also be shown in {zone} (now {now}). /timezone off goes back to each event's own zone."
    ).format(zone=zone.key, now=short_moment(now, zone, lang))


def timezone_unknown(query: str, suggestion: str | None, lang: Language) -> str:
    head = lang._("I don't know the time zone “{query}”.").format(query=echoed(query))
    if suggestion is not None:
        return lang._("{head} Did you mean /timezone {zone}?").format(head=head, zone=suggestion)
    return lang._("{head} Try a city or an IANA name, e.g. /timezone Europe/Moscow.").format(head=head)


def timezone_ambiguous(query: str, choices: Sequence[str], lang: Language) -> str:
    """A country or abbreviation that means several zones: the bot asks rather than picks one."""
    return lang._(
        "“{query}” can mean more than one time zone: {choices}. Send the one you mean, for example "
        "/timezone {example}."
    ).format(query=echoed(query), choices=listing(choices, lang, "or"), example=choices[0])


# ---------------------------------------------------------------- /language


def language_now(lang: Language) -> str:
    """Said in the language now in force, under buttons naming each language in itself."""
    return lang._("I speak English in this chat. Choose another language:")


def language_unknown(query: str, lang: Language) -> str:
    return lang._("I don't speak “{query}”. Choose one of: {languages}.").format(
        query=echoed(query), languages=listing(list(ENDONYMS.values()), lang, "or")
    )


def language_button(code: str) -> str:
    return ENDONYMS[code]


# ---------------------------------------------------------------- the operators' replies


def _states(counts: Mapping[str, int], lang: Language) -> str:
    sent, pending, failed, skipped = (counts.get(k, 0) for k in ("sent", "pending", "failed", "skipped"))
    return lang._("sent {sent}; waiting {pending}; failed {failed}; skipped {skipped}").format(
        sent=number(sent, lang),
        pending=number(pending, lang),
        failed=number(failed, lang),
        skipped=number(skipped, lang),
    )


def _outbox_kind(kind: str, lang: Language) -> str:
    names = {
        "alert": lang._("Reminders"),
        "note": lang._("Status notes"),
        "announcement": lang._("Announcements"),
        "snooze": lang._("Snoozed reminders"),
        "digest": lang._("Digests after quiet hours"),
    }
    return names.get(kind, lang._("Other messages"))


def stats_html(
    subscribers: int,
    outbox: dict[str, int],
    events: int,
    upcoming: int,
    lang: Language,
    languages: Mapping[str, int] | None = None,
    by_kind: Mapping[str, Mapping[str, int]] | None = None,
) -> str:
    """``languages``: subscribed chats per language code; ``by_kind``: outbox states per kind of message
    (``alert``, ``note``, ``announcement``, anything else)."""
    sent, pending, failed, skipped = (outbox.get(k, 0) for k in ("sent", "pending", "failed", "skipped"))
    lines = [
        bold(lang._("summitbot statistics")),
        escape(lang._("Subscribed chats: {n}").format(n=number(subscribers, lang))),
        escape(
            lang._("Events: {n} ({upcoming} upcoming)").format(
                n=number(events, lang), upcoming=number(upcoming, lang)
            )
        ),
        escape(
            lang._("Messages sent: {sent}; waiting: {pending}; failed: {failed}; skipped: {skipped}").format(
                sent=number(sent, lang),
                pending=number(pending, lang),
                failed=number(failed, lang),
                skipped=number(skipped, lang),
            )
        ),
    ]
    if languages is not None:
        spoken = [
            lang._("{language} ({n})").format(language=ENDONYMS.get(code, code), n=number(n, lang))
            for code, n in sorted(languages.items(), key=lambda item: (-item[1], item[0]))
        ]
        lines.append(
            escape(
                lang._("Languages of subscribed chats: {languages}").format(
                    languages=listing(spoken, lang) if spoken else lang._("none")
                )
            )
        )
    for kind, counts in sorted((by_kind or {}).items(), key=lambda item: _KIND_ORDER.get(item[0], 9)):
        lines.append(
            escape(
                lang._("{kind}: {states}").format(kind=_outbox_kind(kind, lang), states=_states(counts, lang))
            )
        )
    return "\n".join(lines)


_KIND_ORDER = {"alert": 0, "note": 1, "announcement": 2, "snooze": 3, "digest": 4}


def follows_html(follows: Sequence[tuple[str, int]], lang: Language) -> str:
    """/stats: chats following each event on its own (``follows``: plain titles and counts)."""
    lines = [escape(lang._("{event}: {n}").format(event=title, n=number(n, lang))) for title, n in follows]
    head = escape(lang._("Chats following one event:"))
    return "\n".join([head, *lines]) if lines else escape(lang._("Chats following one event: none"))


# ---------------------------------------------------------------- /announce and /testalert


def announce_usage(lang: Language) -> str:
    return lang._(
        "Write the announcement after the command, for example: /announce The summit is confirmed for 5 "
        "December. You will see a preview first."
    )


def announce_preview(chats: int, lang: Language) -> str:
    """Sent just before the preview, which is the announcement exactly as subscribers will see it."""
    return lang.ngettext(
        "Preview: the next message goes to {n} subscribed chat when you press Confirm under it.",
        "Preview: the next message goes to {n} subscribed chats when you press Confirm under it.",
        chats,
    ).format(n=number(chats, lang))


def button_confirm(lang: Language) -> str:
    return lang._("✅ Confirm")


def button_cancel(lang: Language) -> str:
    return lang._("✖️ Cancel")


def announce_sent(chats: int, lang: Language) -> str:
    return lang.ngettext(
        "Sent: the announcement is going out to {n} subscribed chat.",
        "Sent: the announcement is going out to {n} subscribed chats.",
        chats,
    ).format(n=number(chats, lang))


def announce_nobody(lang: Language) -> str:
    return lang._("No chat is subscribed, so the announcement went to nobody.")


def announce_already(lang: Language) -> str:
    return lang._("That announcement was already sent; it is not sent twice.")


def announce_cancelled(lang: Language) -> str:
    return lang._("Cancelled: the announcement was not sent.")


def announce_gone(lang: Language) -> str:
    return lang._("That preview is no longer available. Send /announce again.")


def test_alert_html(alert_html: str, due: str, lang: Language) -> str:
    """/testalert: the next planned reminder, sent now to the operator alone, marked as a test."""
    head = italic(
        lang._("🧪 Test: the next planned reminder, due {moment}. Only you got it.").format(moment=due)
    )
    return f"{head}\n{alert_html}"


def no_alert_planned(lang: Language) -> str:
    return lang._("No reminder is planned, so there is nothing to test.")


def test_alert_elsewhere(lang: Language) -> str:
    return lang._("Sent to our private chat: only you got it.")


def test_alert_unreachable(lang: Language) -> str:
    return lang._("I cannot write to you privately. Start a chat with me first, then send /testalert there.")


def released(events: int, chats: int, lang: Language) -> str:
    """/release: the operator let a held edit of the events file go out."""
    return lang._(
        "Released: the held notes about {events} are going out now to {chats}, and those events' "
        "reminders follow as planned."
    ).format(
        events=lang.ngettext("{n} event", "{n} events", events).format(n=number(events, lang)),
        chats=lang.ngettext("{n} subscribed chat", "{n} subscribed chats", chats).format(
            n=number(chats, lang)
        ),
    )


def nothing_held(lang: Language) -> str:
    return lang._("Nothing is held: every edit of the events file has gone out as usual.")


# ---------------------------------------------------------------- the terminal chat


def terminal_banner(lang: Language) -> str:
    return (
        lang._(
            "summitbot in the terminal (no TELEGRAM_BOT_TOKEN set): type /start, /next, /subscribe or a "
            "question; a number presses a button under the last message; /quit, Ctrl-D or Ctrl-C leaves."
        )
        + "\n"
    )


def terminal_bye(lang: Language) -> str:
    return "\n" + lang._("Bye.") + "\n"


TERMINAL_QUIT = ("/quit", "/exit")


def terminal_message(plain: str, buttons: Sequence[str]) -> str:
    """A bot message as the terminal shows it: text, then numbered buttons."""
    text = "\n".join(
        f"bot> {line}" if i == 0 else f"     {line}" for i, line in enumerate(plain.splitlines())
    )
    if buttons:
        text += "\n     " + "  ".join(f"[{i}] {label}" for i, label in enumerate(buttons, start=1))
    return text + "\n"


# ---------------------------------------------------------------- following one event, muting, snoozing


def button_follow_event(lang: Language) -> str:
    return lang._("🔔 Follow")


def button_unfollow_event(lang: Language) -> str:
    return lang._("🔕 Unfollow")


def button_follow_titled(title: str, lang: Language) -> str:
    """Under /events: follow one event (``title`` is plain text)."""
    return lang._("🔔 Follow: {title}").format(title=title)


def button_unfollow_titled(title: str, lang: Language) -> str:
    return lang._("🔕 Unfollow: {title}").format(title=title)


def button_stop(title: str, lang: Language) -> str:
    """Under /following: stop following one event (``title`` is plain text)."""
    return lang._("Stop: {title}").format(title=title)


def button_unmute(title: str, lang: Language) -> str:
    return lang._("Unmute: {title}").format(title=title)


def button_stop_all(lang: Language) -> str:
    return lang._("Stop: every event")


def followed_html(title_html: str, added: bool, lang: Language) -> str:
    """``/follow <event>``, its button or a link for one event."""
    if added:
        sentence = lang._(
            "You follow {title}: its reminders and a note whenever its status, date or place changes will "
            "come here. /unfollow stops them."
        )
    else:
        sentence = lang._("You already follow {title}.")
    return escape(sentence).format(title=title_html)


def unfollowed_html(title_html: str, removed: bool, everything: bool, lang: Language) -> str:
    """``/unfollow <event>``; ``everything``: the chat still follows every event (/subscribe)."""
    if removed:
        sentence = lang._("You no longer follow {title}.")
    else:
        sentence = lang._("You were not following {title}.")
    lines = [escape(sentence).format(title=title_html)]
    if everything:
        lines.append(escape(lang._("You still get every event; /mute silences this one.")))
    return "\n".join(lines)


def muted_html(title_html: str, lang: Language) -> str:
    return escape(lang._("Muted: no reminders or notes about {title} until you /unmute it.")).format(
        title=title_html
    )


def unmuted_html(title_html: str, was_muted: bool, lang: Language) -> str:
    if was_muted:
        sentence = lang._("Unmuted: you will hear about {title} again.")
    else:
        sentence = lang._("{title} was not muted.")
    return escape(sentence).format(title=title_html)


def mute_needs_everything(lang: Language) -> str:
    return lang._("Muting is for chats that follow every event (/subscribe); /unfollow stops one event.")


def follow_usage(lang: Language) -> str:
    return lang._("Which event? Pick one below, or write /follow and its name, for example /follow summit.")


def name_needed(command: str, lang: Language) -> str:
    return lang._("Which event? Write /{command} and its name, for example /{command} summit.").format(
        command=command
    )


def following_html(everything: bool, followed: Sequence[str], muted: Sequence[str], lang: Language) -> str:
    """/following: what the chat hears about (``followed`` and ``muted``: titles as HTML)."""
    lines = [bold(lang._("What this chat follows"))]
    if everything:
        lines.append(escape(lang._("Every event, including ones added later (/unsubscribe stops them).")))
    for title in followed:
        lines.append(f"• {title}")
    if muted:
        lines.append(escape(lang._("Muted:")))
        lines += [f"• {title}" for title in muted]
    if not everything and not followed:
        lines.append(escape(lang._("Nothing yet: /follow one event, or /subscribe to every one.")))
    return fit_lines(lines[:2], lines[2:], more_note="…")


def snoozed(moment: str, lang: Language) -> str:
    """The short confirmation of a snooze button (at most 200 characters)."""
    return lang._("I will remind you again {moment}.").format(moment=moment)


def snooze_too_late(lang: Language) -> str:
    return lang._("That moment has passed; nothing was set.")


def event_gone(lang: Language) -> str:
    return lang._("That event is no longer in the calendar.")


# ---------------------------------------------------------------- /quiet


def quiet_now(hours: str | None, zone: str | None, lang: Language) -> str:
    if hours is None:
        return lang._("No quiet hours: alerts come as they fall due. /quiet 22:00-07:00 sets them.")
    return lang._(
        "Quiet hours: {hours} ({zone}). Reminders and notes that can wait come in one message when they end; "
        "urgent ones come without a sound. /quiet off ends them."
    ).format(hours=hours, zone=zone or "")


def quiet_invalid(given: str, lang: Language) -> str:
    return lang._(
        "“{given}” is not a span of hours. Write it like /quiet 22:00-07:00, or /quiet off."
    ).format(given=echoed(given))


def quiet_needs_zone(lang: Language) -> str:
    return lang._("Quiet hours are kept in your time zone: set it first, for example /timezone Delhi.")
