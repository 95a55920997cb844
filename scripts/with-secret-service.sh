#!/bin/sh
# Runs a command inside a private D-Bus session with an unlocked gnome-keyring: a real Secret Service for the
# keychain tests, and never the developer's own keychain. Without dbus/gnome-keyring the command runs as is
# and those tests say they were skipped (and fail under CI=true).
if command -v dbus-run-session >/dev/null 2>&1 && command -v gnome-keyring-daemon >/dev/null 2>&1; then
  exec dbus-run-session -- sh -c 'printf test | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec "$@"' sh "$@"
fi
exec "$@"
