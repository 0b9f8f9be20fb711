"""The bot seen from outside: a public page, the calendar feed, health and metrics over HTTP.

``server`` (aiohttp routes and the server's lifecycle), ``page`` (the page's view and its Jinja2
template), ``feed`` (the cached calendar and its ETag), ``health`` (what ``/healthz`` says) and
``metrics`` (Prometheus, in a registry of the bot's own). The composition root builds one ``Site`` and
one ``WebServer`` per bot; nothing here keeps global state.
"""
