from django import forms

from arena.accounts.forms import AddressField
from arena.teams.services import TEAM_NAME_MAX


class TeamCreateForm(forms.Form):
    name = forms.CharField(label="Team name", max_length=TEAM_NAME_MAX * 2)


class TeamJoinForm(forms.Form):
    invite_code = forms.CharField(label="Invite code", max_length=64)


class TeamInviteForm(forms.Form):
    email = AddressField(
        label="Their e-mail address",
        help_text="The address of their Arena account; it must be verified.",
    )
