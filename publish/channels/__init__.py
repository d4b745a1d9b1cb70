"""One module per channel behind one interface: `send(item, progress) -> SendResult`."""
