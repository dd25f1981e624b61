"""Account URLs against every role: each signed-in user has their own account page."""

from tests.grid import POST_ONLY, SIGNED_IN, Rule, no_arguments

RULES = {
    "accounts:account": Rule(SIGNED_IN, no_arguments),
    "accounts:token_create": Rule(POST_ONLY, no_arguments),
    "accounts:token_revoke": Rule(POST_ONLY, no_arguments),
    "accounts:password_change": Rule(SIGNED_IN, no_arguments),
    "accounts:password_change_done": Rule(SIGNED_IN, no_arguments),
}
