"""How the program writes times of day: “9:00 am”, “12:15-1:00 pm”."""

from django.utils.formats import time_format


def meridiem(value):
    return "am" if value.hour < 12 else "pm"


def clock(value):
    """A time as the program writes it, e.g. “9:00 am”."""
    return f"{time_format(value, 'g:i')} {meridiem(value)}"


def clock_range(start, end):
    """A span of time, naming am or pm once when both ends share it: “12:15-1:00 pm”."""
    if meridiem(start) == meridiem(end):
        return f"{time_format(start, 'g:i')}-{clock(end)}"
    return f"{clock(start)}-{clock(end)}"
