"""Customer pages: PIN entry, link landing, channel entry form and the browser session client."""
