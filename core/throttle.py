"""The brake on guessing invitation codes on the portal: 10 wrong codes per client
address in 15 minutes (the "public" cache: a guesser is the same guesser whichever
school their guesses would open)."""

from accounts.throttle import Throttle, client_ip

INVITE_ATTEMPTS = 10
INVITE_WINDOW_SECONDS = 15 * 60
INVITE_THROTTLE = Throttle("invite-ip", limit=INVITE_ATTEMPTS, window=INVITE_WINDOW_SECONDS)

__all__ = ["INVITE_ATTEMPTS", "INVITE_THROTTLE", "INVITE_WINDOW_SECONDS", "client_ip"]
