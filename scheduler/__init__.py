"""Scheduler: clock, working calendar, schedules, deadline phrases, reminder planning, delivery."""
