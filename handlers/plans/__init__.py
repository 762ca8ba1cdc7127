"""Plans (*kế hoạch*) as the coordinator brings them: importing a plan file into tasks,
adding a task written in the plan's prose, setting the date of an event task, listing plans
and tasks. Use cases, not conversation: the command line and the chat both call them.
"""
