# Each run's start time.
s/^run ([0-9]+) [0-9TZ:-]+ /run \1 @TIME@ /
