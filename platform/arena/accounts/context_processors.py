"""Template context for every page: whether the signed-in user still has to verify their
e-mail address (the header says so). Lazy: pages that never ask cost no query."""

from django.utils.functional import SimpleLazyObject

from arena.accounts.mail import verified_address


def email_status(request):
    def needs_verification() -> bool:
        user = getattr(request, "user", None)
        return bool(
            user and user.is_authenticated and user.email and not verified_address(user=user)
        )

    return {"email_needs_verification": SimpleLazyObject(needs_verification)}
