package ring

import (
	"maps"
	"slices"
)

// tokenRing is one version of TokenMetadata's token map: which node owns each token, and the
// topology (datacenters and racks of the nodes that own tokens) that replica placement counts.
type tokenRing struct {
	tokens []Token // sorted
	owner  map[Token]*Node
	// dcNodes and dcRacks count the nodes and distinct racks of each datacenter in the topology.
	dcNodes map[string]int
	dcRacks map[string]int
	// cache holds replicas per keyspace and token index, computed on first use.
	cache map[string][][]*Node
}

// newTokenRing builds the ring of the given members, each owning its tokens.
func newTokenRing(members []*Node) *tokenRing {
	r := &tokenRing{owner: map[Token]*Node{}, dcNodes: map[string]int{}, dcRacks: map[string]int{}, cache: map[string][][]*Node{}}
	racks := map[[2]string]bool{}
	for _, n := range members {
		for _, t := range n.Tokens {
			r.owner[t] = n
		}
		r.dcNodes[n.DC]++
		if !racks[[2]string{n.DC, n.Rack}] {
			racks[[2]string{n.DC, n.Rack}] = true
			r.dcRacks[n.DC]++
		}
	}
	r.tokens = slices.Sorted(maps.Keys(r.owner))
	return r
}

// index returns the position of the first token at or after t, wrapping to the start: the token
// whose range (predecessor, token] holds t.
func (r *tokenRing) index(t Token) int {
	i, _ := slices.BinarySearch(r.tokens, t)
	if i == len(r.tokens) {
		return 0
	}
	return i
}

// replicas returns the nodes that replicate the keyspace's data at token t, in placement order.
func (r *tokenRing) replicas(ks *Keyspace, t Token) []*Node {
	if len(r.tokens) == 0 {
		return nil
	}
	byIndex := r.cache[ks.Name]
	if byIndex == nil {
		byIndex = make([][]*Node, len(r.tokens))
		r.cache[ks.Name] = byIndex
	}
	i := r.index(t)
	if byIndex[i] == nil {
		switch ks.Replication.Strategy {
		case NetworkTopologyStrategy:
			byIndex[i] = r.networkTopology(ks.Replication.DatacenterRF, i)
		default:
			byIndex[i] = r.simple(ks.Replication.TotalRF(), i)
		}
	}
	return byIndex[i]
}

// simple is SimpleStrategy: the owners of the next tokens clockwise, skipping nodes already taken,
// until rf nodes.
func (r *tokenRing) simple(rf, start int) []*Node {
	var out []*Node
	for j := range len(r.tokens) {
		if len(out) == rf {
			break
		}
		n := r.owner[r.tokens[(start+j)%len(r.tokens)]]
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// networkTopology is NetworkTopologyStrategy.calculateNaturalReplicas as Cassandra 4.0, 4.1 and
// 5.0 compute it. Walking clockwise from the token, each datacenter takes a node in a rack it has
// not used yet, and takes a node in a rack it has already used only while it may still repeat
// racks: rf minus the number of racks in the datacenter, counted as repeats are made. This is not
// "distinct racks first, then fill": with more replicas than racks the repeats go to the first
// nodes met, even before every rack has been seen (see TestRackRepeatsAreTakenAsMet).
func (r *tokenRing) networkTopology(dcRF map[string]int, start int) []*Node {
	type dcState struct{ rfLeft, repeatsLeft int }
	dcs := map[string]*dcState{}
	for dc, rf := range dcRF {
		if nodes := r.dcNodes[dc]; rf > 0 && nodes > 0 {
			// There are not always rf nodes in a datacenter: then every node is a replica.
			dcs[dc] = &dcState{rfLeft: min(rf, nodes), repeatsLeft: rf - r.dcRacks[dc]}
		}
	}
	toFill := len(dcs)
	seenRacks := map[[2]string]bool{}
	var out []*Node
	for j := 0; toFill > 0 && j < len(r.tokens); j++ {
		n := r.owner[r.tokens[(start+j)%len(r.tokens)]]
		st := dcs[n.DC]
		if st == nil || st.rfLeft == 0 || slices.Contains(out, n) {
			continue
		}
		rack := [2]string{n.DC, n.Rack}
		switch {
		case !seenRacks[rack]:
			seenRacks[rack] = true
		case st.repeatsLeft > 0:
			st.repeatsLeft--
		default:
			continue
		}
		out = append(out, n)
		if st.rfLeft--; st.rfLeft == 0 {
			toFill--
		}
	}
	return out
}

// ranges returns the ring's ranges as (left, right] pairs, one per token, right being the token.
func (r *tokenRing) ranges() [][2]Token {
	out := make([][2]Token, len(r.tokens))
	for i, t := range r.tokens {
		out[i] = [2]Token{r.tokens[(i+len(r.tokens)-1)%len(r.tokens)], t}
	}
	return out
}

// inRange reports whether t lies in (left, right], which wraps around the ring when left >= right.
func inRange(t, left, right Token) bool {
	if left < right {
		return left < t && t <= right
	}
	return t > left || t <= right
}
