"""Every sentence summitbot says and every date it prints, in English, Russian and Hindi.

Where to look: ``cards`` (what /next, /events, /status and /event show), ``notices`` (alerts and change
notes pushed to subscribers), ``chat`` (welcome, help, buttons, the command menu, replies to settings),
``answers`` (answers to questions), ``operator`` (``summitbot check``/``plan`` and the calendar's texts),
``page`` (the public web page's own sentences), ``dates`` and ``status`` (dates, countdowns and status
notes), ``fit`` (one message's limit) and ``language`` (the gettext catalogs under ``locales/``).
Functions take the reader's ``Language``.
"""
