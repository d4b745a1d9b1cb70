"""The publish room: rendering (Jinja2), the outbox and its delivery, channel clients, the map."""
