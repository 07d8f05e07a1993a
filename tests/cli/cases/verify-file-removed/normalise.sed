# Every digest: the cluster document holds its collection time.
s/[0-9a-f]{64}/@SHA256@/g
s/-[0-9a-f]{12}\.json/-@SHA12@.json/g
# The signing time the signature claims.
s/[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} UTC/@TIME@/g
