package client

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"
)

func isContextErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// FollowOptions configure [Client.Follow].
type FollowOptions struct {
	// Request is the first request; its Token, if any, continues an earlier stream. The filter
	// is sent with the first request only: the server keeps it with the token.
	Request Request
	// Handle receives each answer, in order. It must have finished with the events (written
	// them out, say) before it saves the answer's token: that is the at-least-once guarantee.
	// An error from Handle stops Follow and is returned.
	Handle func(ctx context.Context, r *Response) error
	// OnRetry, if set, is told of each error that will be retried and the delay before.
	OnRetry func(err error, delay time.Duration)
	// MinBackoff and MaxBackoff bound the delay between retries; zero means 500 ms and 1 min.
	MinBackoff, MaxBackoff time.Duration
	// MaxRetries stops after this many consecutive failures (0: retry until ctx is done).
	MaxRetries int
}

// Follow long-polls the server until ctx is done, handing each answer to opt.Handle and
// continuing with its token. Server errors and network failures are retried with exponential
// backoff and full jitter; a 400, a 401 or a refused filter stops it. It returns ctx's error
// when ctx ends it.
func (c *Client) Follow(ctx context.Context, opt FollowOptions) error {
	minB, maxB := opt.MinBackoff, opt.MaxBackoff
	if minB <= 0 {
		minB = 500 * time.Millisecond
	}
	if maxB <= 0 {
		maxB = time.Minute
	}
	req := opt.Request
	failures := 0
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		resp, err := c.Fetch(ctx, req)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if !Retryable(err) {
				return err
			}
			failures++
			if opt.MaxRetries > 0 && failures > opt.MaxRetries {
				return err
			}
			d := Backoff(failures, minB, maxB)
			if opt.OnRetry != nil {
				opt.OnRetry(err, d)
			}
			t := time.NewTimer(d)
			select {
			case <-ctx.Done():
				t.Stop()
				return ctx.Err()
			case <-t.C:
			}
			continue
		}
		failures = 0
		if opt.Handle != nil {
			if err := opt.Handle(ctx, resp); err != nil {
				return err
			}
		}
		req.Token = resp.Token
		req.Filter, req.ClearFilter = "", false
	}
}

// Backoff returns the delay before retry number n (1-based): a random duration between min
// and min·2^(n-1), capped at max ("full jitter").
func Backoff(n int, min, max time.Duration) time.Duration {
	ceil := min
	for i := 1; i < n && ceil < max; i++ {
		ceil *= 2
	}
	if ceil > max {
		ceil = max
	}
	if ceil <= min {
		return min
	}
	return min + rand.N(ceil-min)
}
