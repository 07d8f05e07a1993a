# Each run's start time differs from one test run to the next.
map(del(.started))
