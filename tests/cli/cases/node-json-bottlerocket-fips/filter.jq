del(.node.openssl)
