"""Staff accounts: the second factor, the lockout after failed sign-ins, session limits, API
tokens and the rules for granting roles. Built on the kernel (portal.core); knows no app."""
