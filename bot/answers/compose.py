"""Choosing the reply: the premises corrected first, then the structured answer or the file's own
sentences, or "I don't know" with the closest events when the file does not cover the question."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.answers import premises, retrieval
from bot.answers.intents import OPEN, Reading
from bot.answers.passages import Index, Kind, Passage
from bot.answers.periods import Found, Held, holding
from bot.answers.retrieval import Ranked
from bot.events import Catalog, Event, Fact, Government, HistoryItem, Precision, Source
from bot.timeline import Phase, countdown, next_up, upcoming
from bot.wording import answers as say
from bot.wording import cards
from bot.wording.language import Language
from bot.wording.status import text

STRUCTURED = frozenset(
    {"when", "where", "host", "confirmed", "who_confirmed", "countdown", "duration", "status", "parties"}
)
ABOUT_EVENTS = STRUCTURED | {"past", "history"}
TIMED = frozenset({"when", "where", "host", "countdown", "duration"})
AHEAD = frozenset({"confirmed", "who_confirmed", "countdown"})
"""Only a coming event is confirmed or counted down to: "did the Kremlin confirm the trip?" is not
about a trip that is over."""
MAX_NEWS = 5
MAX_SUGGESTIONS = 3
EVENTS_FACTS_GOVERNMENTS = (Event, Fact, Government)


@dataclass(frozen=True)
class Reply:
    html: str
    found: frozenset[str] | None
    """The stems the answer draws on, for the confidence rule; None when it states nothing."""
    ignore: frozenset[int] = frozenset()
    """Words the answer has dealt with otherwise (a place it corrects), left out of the confidence."""


@dataclass
class Composer:
    catalog: Catalog
    now: datetime
    zone: ZoneInfo | None
    lang: Language
    index: Index
    shown: Index
    """The index in the reply's language (another than ``index`` for Hinglish answered in Hindi)."""
    reading: Reading
    today: date

    def reply(self) -> str:
        r = self.reading
        if not r.content and r.intent is None and r.period is None and not (r.cancelled or r.postponed):
            return say.prompt_html(self.lang)
        held = holding(self.catalog, r.period.period, self.now, self.today) if r.period else None
        main = self._default_event()
        events = retrieval.rank(self.index, r, self.now, (Event,), held, main)
        earlier = self._earlier(events)
        if earlier is not None:
            return earlier
        anything = retrieval.rank(self.index, r, self.now, EVENTS_FACTS_GOVERNMENTS, held, main)
        result = self._route(events, anything, held)
        # "who takes part?" is answered by the governments: a question naming more than those
        # ("who is in Putin's delegation?") needs the confidence of any other
        named = r.intent in STRUCTURED - {"parties"} and bool(events) and events[0].named > 0
        if not result.html or (
            result.found is not None
            and not retrieval.confident(self.index, r, result.found, named, result.ignore)
        ):
            return self._unknown(anything)
        return result.html

    # ------------------------------------------------------------ routing

    def _route(self, events: list[Ranked], ranked: list[Ranked], held: Held | None) -> Reply:
        r = self.reading
        everything = frozenset(self.index.document_frequency)
        event = self._event(events, ranked)
        top = self.index.subjects[ranked[0].subject] if ranked else None
        if r.intent == "source":
            return self._sources(event)
        if r.money and r.numbers:
            facts = [
                self.index.subjects[x.subject]
                for x in ranked
                if isinstance(self.index.subjects[x.subject], Fact)
            ]
            checked = premises.figure(r, [f for f in facts if isinstance(f, Fact)], self.lang)
            if checked is not None:
                return self._figure(checked, ranked)
        if r.period is not None and held is not None:
            named = bool(ranked) and ranked[0].named > 0 and self._beyond_governments()
            listing = r.anything or (not r.yes_no and not named)
            if listing and r.intent not in STRUCTURED - {"parties"}:
                return Reply(self._listing(r.period, held), everything)
        if event is None and r.intent == "next":
            return Reply(
                cards.next_html(next_up(self.catalog, self.now), self.now, self.lang, self.zone), everything
            )
        if event is None and r.intent == "history":
            return Reply(say.answer_news_html(self._news(), self.lang), everything)
        if r.intent in ABOUT_EVENTS or r.cancelled or r.postponed or r.confirm_at:
            chosen = event or self._default_event()
            if chosen is None:
                return Reply(cards.next_html(None, self.now, self.lang, self.zone), everything)
            return self._about(chosen, held, events)
        if (
            event is not None
            and held is not None
            and held.of(event) is None
            and r.intent in (None, "what", *OPEN)
        ):
            return self._about(event, held, events)
        if r.yes_no and r.intent in (None, "what", "figures"):
            claims_place = (
                event is not None
                and r.tense != "past"
                and countdown(event, self.now).phase is not Phase.OVER
                and premises.place(r, event, self.index) is not None
            )
            if top is None or isinstance(top, Event) or claims_place or (event is not None and r.period):
                chosen = event or (self._default_event() if r.period is not None else None)
                if chosen is not None:
                    return self._about(chosen, held, events)
        return self._open(event, ranked, top)

    def _beyond_governments(self) -> bool:
        """Whether the question names something besides governments ("in India" names no event)."""
        governments = retrieval.government_stems(self.index)
        return any(self.reading.words[i].stem not in governments for i in self.reading.content)

    def _event(self, events: list[Ranked], ranked: list[Ranked]) -> Event | None:
        """The event asked about: one its names point to, or the best match of all when it is one.

        "When will Putin and Modi meet?" cannot be answered by a meeting that is over: a question
        asking when, where or how long in a tense, or about a period wholly past or to come ("in
        2023"), takes only an event on that side of today, if one is named; so does "is it still on?",
        asked in no tense, of a coming one."""
        r = self.reading
        tense = r.tense if r.intent in TIMED else None
        if r.intent in AHEAD or r.cancelled or r.postponed or (r.intent == "status" and r.tense is None):
            tense = "future"
        if r.period is not None and r.period.period.last < self.today:
            tense = "past"
        elif r.period is not None and r.period.period.first > self.today:
            tense = "future"
        if tense is not None:
            fitting = [
                x
                for x in events
                if x.named > 0
                and (countdown(self._subject(x), self.now).phase is Phase.OVER) == (tense == "past")
            ]
            events = fitting or events
        if r.intent == "duration":
            # "how long will Putin stay in India?": of the events named most, one lasting several days
            most = max((x.named for x in events), default=0.0)
            lasting = [
                x for x in events if 0 < most <= x.named + 1e-9 and self._days_long(self._subject(x)) > 1
            ]
            events = lasting or events
        if not events:
            return None
        best = events[0]
        subject = self.index.subjects[best.subject]
        if not isinstance(subject, Event):
            return None
        if best.named > 0 or (ranked and ranked[0].subject == best.subject):
            return subject
        return None

    @staticmethod
    def _days_long(event: Event) -> int:
        if event.when.precision not in (Precision.DAY, Precision.SPAN):
            return 0
        return (event.when.last - event.when.first).days + 1

    def _subject(self, ranked: Ranked) -> Event:
        subject = self.index.subjects[ranked.subject]
        if not isinstance(subject, Event):
            raise TypeError(subject)
        return subject

    def _default_event(self) -> Event | None:
        following = next_up(self.catalog, self.now)
        return following.event if following is not None else None

    def _found(self, *subjects: object) -> frozenset[str]:
        positions = [i for i, s in enumerate(self.index.subjects) if any(s is x for x in subjects)]
        governments = retrieval.government_stems(self.index)
        return frozenset(retrieval.subject_stems(self.index, positions) | governments)

    def _position(self, subject: object) -> int | None:
        return next((i for i, s in enumerate(self.index.subjects) if s is subject), None)

    # ------------------------------------------------------------ answers about one event

    def _about(self, event: Event, held: Held | None, events: list[Ranked]) -> Reply:
        r = self.reading
        lang, now, zone = self.lang, self.now, self.zone
        host = self.catalog.get(event.during) if event.during is not None else None
        position = self._position(event)
        governments = retrieval.named_governments(self.index, r, position)
        government = governments[0] if len(governments) == 1 else None
        found = self._found(event, host) if host is not None else self._found(event)
        ignore: frozenset[int] = frozenset()

        lines: list[str] = []
        claimed = self._claimed(event)
        status = premises.status(r, claimed, lang)
        if status is not None:
            lines.append(status)
        lines += premises.confirmation(r, event, governments, lang)
        # "days until the commission meets?" counts to a day the file does not know: said first
        asked = "day" if r.intent == "countdown" else r.asked if r.intent == "when" else None
        if asked is not None:
            precision = say.precision_html(event, asked, now, lang, zone)
            if precision is not None:
                lines.append(precision)
        coming = countdown(event, now).phase is not Phase.OVER
        if (
            (r.yes_no or r.intent == "where")
            and r.intent not in ("confirmed", "who_confirmed")
            and coming
            and r.tense != "past"
        ):
            claim = premises.place(r, event, self.index)
            if claim is not None and event.place is not None:
                lines.append(say.place_html(claim.verdict, text(event.place, lang), lang))
                ignore = claim.at
                if r.intent != "where" and r.intent not in STRUCTURED and r.period is None:
                    html = self._join(lines, say.answer_where_html(event, now, lang, zone, host))
                    return Reply(html, found, ignore)
        if r.period is not None and held is not None and event.lifecycle.value != "cancelled":
            verdict = held.of(event)
            if r.yes_no and r.intent in (None, "what", "when", "status", "figures"):
                label = self._label(r.period)
                html = say.answer_in_period_html(event, verdict, label, self._days(r.period), now, lang, zone)
                return Reply(self._join(lines, html), found, ignore)
            if verdict is None:
                lines.append(
                    say.not_in_period_html(event, self._label(r.period), self._days(r.period), now, lang)
                )

        over = countdown(event, now).phase is Phase.OVER
        if status is not None and r.intent not in STRUCTURED:
            body = say.answer_when_html(event, now, lang, zone, host)
        elif r.intent == "past" or (r.tense == "past" and not over and r.intent in (None, "what", *OPEN)):
            body = say.answer_past_html(event, now, lang, zone)
        else:
            body = self._structured(event, host, government)
        return Reply(self._join(lines, body), found, ignore)

    def _claimed(self, event: Event) -> Event:
        """The event a "called off"/"postponed" premise is about: the one named in its own clause
        ("since the summit was cancelled, will Lavrov still come?" claims it of the summit)."""
        r = self.reading
        clauses = {r.words[i].clause for i in r.premise_at}
        near = tuple(i for i in r.content if r.words[i].clause in clauses)
        if not near:
            return event
        narrowed = replace(r, content=near)
        ranked = retrieval.rank(self.index, narrowed, self.now, (Event,), None, self._default_event())
        if ranked and ranked[0].named > 0:
            subject = self.index.subjects[ranked[0].subject]
            if isinstance(subject, Event):
                return subject
        return event

    def _structured(self, event: Event, host: Event | None, government: Government | None) -> str:
        """The field asked about; one the file does not give is said not to be known first ("where was
        the SCO summit held?"), then what the file has."""
        body = self._field(event, host, government)
        if self._lacks(event, host):
            return self._join([say.dont_know_html(self.lang)], body)
        return body

    def _lacks(self, event: Event, host: Event | None) -> bool:
        around = host if host is not None else event
        match self.reading.intent:
            case "where":
                return event.place is None and around.place is None and around.host is None
            case "host":
                return event.host is None and around.host is None
            case "duration":
                return event.during is not None or self._days_long(event) == 0
            case _:
                return False

    def _earlier(self, events: list[Ranked]) -> str | None:
        """ "This is Putin's first visit to India, right?": not if the file records an earlier event the
        question's words name as well (Putin's 2021 visit), hosted by a government the question names
        (else by the same host): a meeting elsewhere is no earlier visit to India.

        A question with a word the file does not use is left to the rest ("his first visit to China?")."""
        r = self.reading
        if not r.first_at or not r.yes_no or r.tense == "past" or r.unknown:
            return None
        named = [self._subject(x) for x in events if x.named > 0]
        coming = [e for e in named if countdown(e, self.now).phase is not Phase.OVER]
        if not coming:
            return None
        claimed = coming[0]
        governments = retrieval.government_stems(self.index)
        words = {r.words[i].stem for i in r.content if i not in r.first_at} - governments
        asked_governments = retrieval.named_governments(self.index, r, None)
        since = r.period.period.first if r.period is not None else None
        for event in sorted(named, key=lambda e: e.when.last, reverse=True):
            position = self._position(event)
            if (
                position is None
                or event is claimed
                or countdown(event, self.now).phase is not Phase.OVER
                or event.when.last >= claimed.when.first
                or (since is not None and event.when.first < since)
                or not all(retrieval.names(self.index, stem, position) for stem in words)
                or event.host is None
                or (event.host not in asked_governments if asked_governments else event.host != claimed.host)
            ):
                continue
            line = say.not_first_html(event, self.now, self.lang, self.zone)
            return self._join([line], cards.event_card_html(event, self.now, self.lang, self.zone))
        return None

    def _field(self, event: Event, host: Event | None, government: Government | None) -> str:
        lang, now, zone = self.lang, self.now, self.zone
        match self.reading.intent:
            case "when":
                return say.answer_when_html(event, now, lang, zone, host)
            case "where" | "host":
                return say.answer_place_html(event, now, lang, zone, host)
            case "confirmed":
                return say.answer_confirmed_html(event, now, lang, zone, government)
            case "who_confirmed":
                return say.answer_who_confirmed_html(event, now, lang, zone)
            case "countdown":
                return say.answer_how_long_html(event, now, lang, zone)
            case "duration":
                return say.answer_duration_html(event, now, lang, zone, host)
            case "parties":
                return say.answer_parties_html(event, now, lang, zone)
            case "history":
                return say.answer_history_html(event, now, lang, zone)
            case _:
                if self.reading.confirm_at:
                    return say.answer_when_html(event, now, lang, zone, host)
                return cards.event_card_html(event, now, lang, zone)

    def _in_period(self, event: Event, held: Held, found: Found) -> Reply:
        html = say.answer_in_period_html(
            event, held.of(event), self._label(found), self._days(found), self.now, self.lang, self.zone
        )
        return Reply(html, self._found(event))

    # ------------------------------------------------------------ periods

    def _label(self, found: Found) -> str:
        period = found.period
        return say.period_label(period.kind.value, period.first, period.last, period.count, self.lang)

    def _days(self, found: Found) -> tuple[date, date]:
        return (found.period.first, found.period.last)

    def _listing(self, found: Found, held: Held) -> str:
        later = next_up(self.catalog, self.now)
        return say.answer_period_html(
            self._label(found),
            self._days(found),
            (held.sure, held.maybe),
            self.now,
            self.lang,
            self.zone,
            later.event if later is not None else None,
        )

    # ------------------------------------------------------------ facts, figures, sources

    def _figure(self, checked: premises.Figure, ranked: list[Ranked]) -> Reply:
        head = say.figure_html(checked.verdict, self.lang)
        facts = self._named_facts(checked.fact, ranked)
        html = f"{head}\n{say.answer_facts_html(facts, self.lang)}"
        return Reply(html, self._found(*facts))

    def _named_facts(self, fact: Fact, ranked: list[Ranked]) -> list[Fact]:
        """The fact asked about, then every other fact whose whole name the question uses: "how big is
        the trade deficit?" also gets the trade and export figures, since the file gives no deficit
        figure."""
        content = {self.reading.words[i].stem for i in self.reading.content}
        also: list[Fact] = []
        for i, subject in enumerate(self.index.subjects):
            named = any(set(phrase) <= content for phrase in self.index.names[i])
            if isinstance(subject, Fact) and subject is not fact and named:
                also.append(subject)
        return [fact, *also]

    def _sources(self, event: Event | None) -> Reply:
        if event is not None:
            sources: Sequence[Source] = [event.source, event.status_source]
        else:
            sources = list(self.catalog.sources.values())
        return Reply(say.answer_sources_html(sources, self.lang), frozenset(self.index.document_frequency))

    def _news(self) -> list[tuple[Event, HistoryItem]]:
        entries = [(event, item) for event in self.catalog.events for item in event.history]
        return sorted(entries, key=lambda pair: (pair[1].on, pair[0].id), reverse=True)[:MAX_NEWS]

    # ------------------------------------------------------------ open questions

    def _open(self, event: Event | None, ranked: list[Ranked], top: object) -> Reply:
        r = self.reading
        subject = top if top is not None else event
        position = self._position(subject) if subject is not None else None
        residual = [
            i
            for i in r.content
            if i not in r.unknown
            and (position is None or r.words[i].stem not in self.index.name_stems[position])
        ]
        if r.intent in (None, "what", "figures") and not residual and subject is not None:
            return self._card(subject, ranked)
        if r.intent == "next":
            return Reply(
                cards.next_html(next_up(self.catalog, self.now), self.now, self.lang, self.zone),
                frozenset(self.index.document_frequency),
            )
        if r.intent == "figures" and isinstance(subject, Fact):
            return self._card(subject, ranked)
        chosen = retrieval.passages(self.index, r, position)
        if not chosen:
            if subject is not None and r.intent in (None, "what"):
                return self._card(subject, ranked)
            return Reply("", frozenset())
        found = {s for p in chosen for s in p.stems} | retrieval.government_stems(self.index)
        if position is not None:
            found |= retrieval.subject_stems(self.index, [position])
        return Reply(self._quoted(chosen), frozenset(found))

    def _card(self, subject: object, ranked: list[Ranked]) -> Reply:
        lang = self.lang
        if isinstance(subject, Event):
            html = cards.event_card_html(subject, self.now, lang, self.zone)
            return Reply(html, self._found(subject))
        if isinstance(subject, Fact):
            facts = self._named_facts(subject, ranked)
            return Reply(say.answer_facts_html(facts, lang), self._found(*facts))
        if isinstance(subject, Government):
            involved = [e for e in self.catalog.events if subject in e.governments]
            html = say.answer_government_html(subject, involved, self.now, lang, self.zone)
            return Reply(html, self._found(subject, *involved))
        return Reply("", frozenset())

    def _quoted(self, chosen: Sequence[Passage]) -> str:
        groups: dict[int, list[str]] = {}
        sources: list[Source] = []
        for passage in chosen:
            if passage.subject in groups and isinstance(self.index.subjects[passage.subject], Fact):
                continue
            if isinstance(self.index.subjects[passage.subject], Fact):
                # A fact is short and says one thing: it is quoted whole, as the file words it.
                whole = [
                    p
                    for p in self.index.passages
                    if p.subject == passage.subject and p.kind is Kind.STATEMENT
                ]
                groups[passage.subject] = [self._translated(p) for p in whole]
            else:
                groups.setdefault(passage.subject, []).append(self._translated(passage))
            if passage.source is not None:
                sources.append(passage.source)
        titled = [(self._title(self.index.subjects[i]), sentences) for i, sentences in groups.items()]
        return say.answer_passages_html(titled, sources, self.lang)

    def _title(self, subject: object) -> str:
        if isinstance(subject, Event | Fact):
            return text(subject.title, self.lang)
        if isinstance(subject, Government):
            return text(subject.name, self.lang)
        if isinstance(subject, Source):
            return text(subject.title, self.lang)
        return ""

    def _translated(self, passage: Passage) -> str:
        """The same sentence in the reply's language: the one at the same place among its subject's
        statements, or all of them when the two languages split the text differently."""
        if self.shown is self.index:
            return passage.text
        mine = [p for p in self.index.passages if p.subject == passage.subject and p.kind is Kind.STATEMENT]
        theirs = [p for p in self.shown.passages if p.subject == passage.subject and p.kind is Kind.STATEMENT]
        if len(mine) == len(theirs):
            return theirs[mine.index(passage)].text
        return " ".join(p.text for p in theirs)

    # ------------------------------------------------------------ not known

    def _unknown(self, ranked: list[Ranked]) -> str:
        """The events the question came closest to naming, else the next ones on the calendar."""
        close = [self.index.subjects[x.subject] for x in ranked]
        events = [s for s in close if isinstance(s, Event)] or upcoming(self.catalog, self.now)
        return say.answer_unknown_html(list(dict.fromkeys(events))[:MAX_SUGGESTIONS], self.lang)

    @staticmethod
    def _join(lines: Sequence[str], body: str) -> str:
        return "\n".join([*lines, body])


__all__ = ["Composer"]
