"""The pages of inspection after recognition and of the public's reports. Every read starts
from ``visible_to(request.user)``; the public report form is the one page open to all."""
