# Every digest: the cluster document holds its collection time.
s/[0-9a-f]{64}/@SHA256@/g
s/-[0-9a-f]{12}\.json/-@SHA12@.json/g
