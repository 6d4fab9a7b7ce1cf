# Models of this app arrive with their issue; see the README for the plan.
