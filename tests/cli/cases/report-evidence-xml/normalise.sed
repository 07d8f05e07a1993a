# The run's times and host; every digest (the cluster document holds its
# collection time, so its digest and file name change from run to run).
s/(started|finished)="[0-9TZ:-]+"/\1="@TIME@"/g
s/ host="[^"]*"/ host="@HOST@"/g
s/[0-9a-f]{64}/@SHA256@/g
s/-[0-9a-f]{12}\.json/-@SHA12@.json/g
