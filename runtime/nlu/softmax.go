package nlu

import (
	"math"
	"math/rand/v2"
)

// fitSoftmax trains a multinomial logistic regression over every intent and
// one more class, out-of-scope, made of the generated noise, by averaged
// stochastic gradient descent. Its probabilities are shares of one
// distribution that includes out-of-scope, so they stay absolute: a message
// unlike every intent gives its mass to the out-of-scope class, whatever
// intents a state listens to. It returns the weights feature-major
// (weights[f*(classes+1)+k]) and the biases; column classes is out-of-scope.
func fitSoftmax(exs []example, classes, features int, hp hyper) ([]float64, []float64) {
	K := classes + 1
	w := make([]float64, features*K)
	b := make([]float64, K)
	avg := make([]float64, len(w))
	avgB := make([]float64, K)
	navg := 0
	rng := rand.New(rand.NewPCG(hp.seed, 7))
	order := make([]int32, len(exs))
	for i := range order {
		order[i] = int32(i)
	}
	z := make([]float64, K)
	epochs := hp.softEpochs
	total := float64(epochs * len(exs))
	t := 0
	for e := range epochs {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		if e > 0 && e >= epochs/2 {
			for i, x := range w {
				avg[i] += x
			}
			for i, x := range b {
				avgB[i] += x
			}
			navg++
		}
		for _, k := range order {
			ex := &exs[k]
			rate := hp.softRate * (1 - float64(t)/total*0.9)
			t++
			copy(z, b)
			for j, f := range ex.v.idx {
				x := float64(ex.v.val[j])
				row := w[int(f)*K : int(f)*K+K]
				for c, wc := range row {
					z[c] += wc * x
				}
			}
			softmaxInPlace(z)
			y := int(ex.class)
			if y < 0 {
				y = classes
			}
			z[y] -= 1 // z is now the gradient of the loss in the scores
			for j, f := range ex.v.idx {
				x := float64(ex.v.val[j])
				row := w[int(f)*K : int(f)*K+K]
				for c := range row {
					row[c] -= rate * (z[c]*x + hp.l2*row[c])
				}
			}
			for c := range b {
				b[c] -= rate * z[c]
			}
		}
	}
	for i, x := range w {
		avg[i] = (avg[i] + x) / float64(navg+1)
	}
	for i, x := range b {
		avgB[i] = (avgB[i] + x) / float64(navg+1)
	}
	return avg, avgB
}

// softmaxInPlace turns scores into probabilities.
func softmaxInPlace(z []float64) {
	mx := math.Inf(-1)
	for _, x := range z {
		mx = max(mx, x)
	}
	var s float64
	for i, x := range z {
		z[i] = math.Exp(x - mx)
		s += z[i]
	}
	for i := range z {
		z[i] /= s
	}
}
