#!/bin/sh
# redis-acl.sh -- Redis credentials and ACL users of docproc: one user per program, each with
# only the commands and key patterns it needs; the `default` user is off, so a client that does
# not authenticate is answered NOAUTH. Used by config/run.sh and by the e2e harness.
#
# usage: config/redis-acl.sh DIR
#   DIR/<user>.pass  the password of each user (64 hex digits of /dev/urandom), mode 0600,
#                    made once and kept: later runs reuse them
#   DIR/users.acl    Redis's aclfile (passwords as SHA-256 only), rewritten every run so a
#                    change of the rules below takes effect at the next start
#   DIR/sentinels.pass  the password of the Sentinels themselves (their `requirepass`, the same
#                    on every Sentinel of a group: they log in to each other with it); clients
#                    send it as AUTH <password>: docproc's sentinel_password
#   DIR/redis-auth.conf  for every Redis server's config (`include` it): the aclfile above,
#                    and masteruser/masterauth so that a replica -- and a primary that a
#                    failover demotes -- logs in to its primary as docproc-replica
# DIR is made mode 0700. Prints nothing.
#
# Key patterns follow common/keys.h (every key docproc uses) and the KEYS of common/lua/*.lua:
# an EVALSHA is refused unless the user may touch every key the script is given, and every
# redis.call inside is checked against the user's commands.
#   docproc-api       every dp:* key (uploads, reads, keys, classifier, extractor, batches,
#                     webhook endpoints, quotas, audit); no administrative command but INFO
#   docproc-worker    the queue (jobs, dead letters, events), documents and their bytes,
#                     counters (and dp:restarts:worker-child, its children's restarts), the
#                     tenants' language hints for lang=auto, retention and erasure, the
#                     models (read only); never API keys, webhook endpoints, secrets, batches,
#                     the audit log or the supervisors' restart counts
#   docproc-webhookd  events, webhook records, batches, its counters, document records (for
#                     batch_tick.lua); never files, API keys, models
#   docproc-admin     every dp:* key (key store, rekey, queue repair); no FLUSH/CONFIG/DEBUG...
# and two users that are no program, for a primary with replicas and Sentinels (the commands
# the Redis ACL documentation lists for them, "ACL rules for Sentinel and Replicas"; no key):
#   docproc-replica   what a replica sends its primary: PSYNC, REPLCONF, PING
#   docproc-sentinel  what a Sentinel sends (monitoring, its hello channel, and the failover's
#                     MULTI/REPLICAOF/CONFIG REWRITE/CLIENT KILL/EXEC), on the
#                     __sentinel__:hello channel only; in sentinel.conf: `sentinel auth-user
#                     <master> docproc-sentinel` and `sentinel auth-pass <master> <its password>`
set -eu
DIR=$1
umask 077
mkdir -p "$DIR"
chmod 700 "$DIR"

# What no program may run: FLUSHALL/FLUSHDB, CONFIG, DEBUG, SHUTDOWN, KEYS, MONITOR, ACL,
# CLIENT KILL, REPLICAOF, MIGRATE... (@dangerous, @admin), pub/sub, and dropping the scripts or
# functions every program relies on. ROLE (@admin) is read-only and needed to confirm a master
# found through Sentinel.
cmds='+@all -@dangerous -@admin -@pubsub -script|flush -function +role'

rules() {
    case $1 in
    # INFO (@dangerous): the API reads `INFO memory` to answer 503 storage_full before Redis
    # refuses writes.
    docproc-api) echo "~dp:* +info" ;;
    docproc-admin) echo "~dp:*" ;;
    # The worker also applies retention and erases expired documents (retention.c): their
    # events, quota entries, index, idempotency/dedup keys and training examples.
    docproc-worker)
        echo "~dp:jobs ~dp:dead ~dp:events ~dp:stats ~dp:restarts:worker-child ~dp:metrics:* ~dp:doc:* ~dp:blob:*" \
            "~dp:devt:* ~dp:quota:* ~dp:expiring ~dp:tdocs:* ~dp:idem:* ~dp:dedup:* ~dp:wh:evt:*" \
            "~dp:langhint:*" \
            "%R~dp:tenant:* ~dp:cls:*:labels ~dp:cls:*:texts ~dp:cls:*:counts" \
            "~dp:ext:*:examples ~dp:ext:*:names %R~dp:cls:*:model %R~dp:ext:*:model"
        ;;
    # webhookd only reads document records, but batch_tick.lua takes one in KEYS and Redis 7
    # counts every key of an EVAL as written (%R~ would refuse the script).
    docproc-webhookd) echo "~dp:events ~dp:wh:* ~dp:batch:* ~dp:metrics:webhook ~dp:doc:*" ;;
    esac
}

# `default` is off with no password: nobody can log in as it, and a client that has not
# authenticated as one of the users below is answered NOAUTH. It still holds every key and
# command because Redis 7.0 replays the AOF as `default` and re-checks the ACL at each EXEC:
# with `-@all` every MULTI/EXEC (and every Lua script, written to the AOF as one) would be
# dropped without a word when Redis restarts (redis/redis#14541, fixed after 7.x).
acl=$DIR/users.acl.tmp
echo "user default off resetpass ~* &* +@all" > "$acl"
# password USER: the user's password file (made once, kept), and its SHA-256 in $hash.
password() {
    pass=$DIR/$1.pass
    if [ ! -s "$pass" ]; then
        od -An -tx1 -N32 /dev/urandom | tr -d ' \n' > "$pass.tmp"
        echo >> "$pass.tmp"
        mv "$pass.tmp" "$pass"
    fi
    chmod 600 "$pass"
    hash=$(head -n1 "$pass" | tr -d '\n' | sha256sum | cut -d' ' -f1)
}
for u in docproc-api docproc-worker docproc-webhookd docproc-admin; do
    password $u
    # keys first, then the common commands, then the user's own exceptions (+info): later
    # command rules win
    r=$(rules $u)
    echo "user $u on #$hash resetchannels ${r%%+*} $cmds $(echo "$r" | grep -o '+.*' || true)" >> "$acl"
done
password docproc-replica
echo "user docproc-replica on #$hash resetkeys resetchannels -@all +psync +replconf +ping" >> "$acl"
password docproc-sentinel
echo "user docproc-sentinel on #$hash resetkeys resetchannels &__sentinel__:hello -@all" \
    "+ping +info +role +multi +exec +slaveof +replicaof +config|rewrite +client|setname" \
    "+client|kill +script|kill +subscribe +publish" >> "$acl"
mv "$acl" "$DIR/users.acl"
password sentinels

conf=$DIR/redis-auth.conf.tmp
{
    echo "# made by config/redis-acl.sh: include it in every Redis server's config"
    echo "aclfile $DIR/users.acl"
    echo "masteruser docproc-replica"
    echo "masterauth $(head -n1 "$DIR/docproc-replica.pass" | tr -d '\n')"
} > "$conf"
mv "$conf" "$DIR/redis-auth.conf"
