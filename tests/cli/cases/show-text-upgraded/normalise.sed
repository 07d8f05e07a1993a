# The run's times and the collecting host; the cluster document's digest
# and size (it holds its collection time).
s/^(started|finished)( +)[0-9TZ:-]+$/\1\2@TIME@/
s/^collected on .* by /collected on @HOST@ by /
s/^(cluster evidence .*\(sha256 )[0-9a-f]{64}, [0-9]+ bytes\)/\1@SHA256@, @SIZE@ bytes)/
