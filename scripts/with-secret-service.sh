#!/bin/sh
# Runs a command inside a private D-Bus session with a fresh, unlocked gnome-keyring kept in a temp folder: a
# real Secret Service for the keychain tests, and never the developer's own keychain. Without dbus or
# gnome-keyring the command runs as is, and those tests say they were skipped (and fail under CI=true).
set -eu
if ! command -v dbus-run-session >/dev/null 2>&1 || ! command -v gnome-keyring-daemon >/dev/null 2>&1; then
  echo "with-secret-service: dbus-run-session or gnome-keyring-daemon not installed; running without a Secret Service" >&2
  exec "$@"
fi
keyring_home=$(mktemp -d)
trap 'rm -rf "$keyring_home"' EXIT
dbus-run-session -- sh -c '
  printf test | XDG_DATA_HOME="$0" gnome-keyring-daemon --unlock --components=secrets >/dev/null || exit 1
  exec "$@"
' "$keyring_home" "$@"
