package dev.compactor.merge.sort;

/**
 * A tournament tree of losers over the entries 0..size-1 of a k-way merge: it names the entry that comes first
 * (the winner), and once the winner's key has changed, finds the next winner with one comparison per level of the
 * tree, log2(size) in all, where a binary heap needs about two per level. Each inner node keeps the entry that lost
 * the match played there, so replaying the winner's path needs no other entry's key.
 *
 * <p>The caller owns the keys; the tree only asks {@link Order} which of two entries comes first, which must be a
 * strict total order (break ties by something unique, such as the input's index, for a stable merge).
 */
final class LoserTree {

    /** Which of two entries comes first. */
    interface Order {
        boolean before(int a, int b);
    }

    private final Order order;
    private int size;
    /** The loser of each inner node 1..size-1; slot 0 holds the overall winner. */
    private int[] losers = new int[1];
    private int[] winners = new int[2];

    LoserTree(Order order) {
        this.order = order;
    }

    /**
     * Plays every match again over entries 0..size-1: after entries were added, or when any key other than the
     * winner's changed. Linear in size.
     */
    void rebuild(int size) {
        if (size < 0) {
            throw new IllegalArgumentException("a tree of " + size + " entries");
        }
        this.size = size;
        if (losers.length < Math.max(1, size)) {
            losers = new int[size];
            winners = new int[2 * size];
        }
        if (size == 0) {
            return;
        }
        // leaves at size..2*size-1, inner node n plays the winners of 2n and 2n+1: a complete binary tree
        for (int i = 0; i < size; i++) {
            winners[size + i] = i;
        }
        for (int node = size - 1; node >= 1; node--) {
            int left = winners[2 * node];
            int right = winners[2 * node + 1];
            boolean rightFirst = order.before(right, left);
            winners[node] = rightFirst ? right : left;
            losers[node] = rightFirst ? left : right;
        }
        losers[0] = size == 1 ? 0 : winners[1];
    }

    int size() {
        return size;
    }

    /** The entry that comes first; only meaningful when size is above zero. */
    int winner() {
        return losers[0];
    }

    /** After the winner's key changed (it moved to its next row, or ran out): replays its path to the root. */
    void replayWinner() {
        int winner = losers[0];
        for (int node = (winner + size) >>> 1; node > 0; node >>>= 1) {
            int loser = losers[node];
            if (order.before(loser, winner)) {
                losers[node] = winner;
                winner = loser;
            }
        }
        losers[0] = winner;
    }
}
