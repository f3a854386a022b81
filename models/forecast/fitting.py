# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The purchase and spend models, fitted by maximum likelihood: pure numpy
and scipy, no Odoo.

- BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way"):
  while active, a customer buys at a Poisson rate λ ~ Gamma(r, α); after each
  purchase they become inactive with probability p ~ Beta(a, b).  A customer
  is (x, t_x, T): x repeat purchases, the last t_x after the first, T the age
  of the first purchase.
- Gamma-Gamma (Fader, Hardie & Lee 2005, "RFM and CLV"): the spends of a
  customer's purchases are Gamma(p, ν) with ν ~ Gamma(q, v); fitted on the
  repeat customers' mean spend per repeat purchase m (the first left out).

Everything is computed in log space (gammaln, log1p, logaddexp), so that a
customer with 10,000 purchases or a first purchase 30 years ago gives finite
figures.  The likelihoods are summed over distinct inputs with their counts
(``weights``): the fit costs what the distinct customers cost.
"""

import numpy as np
from scipy import optimize, special

# below these, a fit says why it cannot be made
MIN_REPEAT_CUSTOMERS = 100
MIN_HISTORY_DAYS = 180
# log-parameters stay in [-BOUND, BOUND]: exp(±25) spans any sensible scale
BOUND = 25.0


class FitError(Exception):
    """A fit that cannot be made or that did not converge."""


# a fit has converged when no log-parameter moves the mean log-likelihood
# per customer by more than this: L-BFGS-B may stop on a line search at the
# optimum, within the precision of the sums, and where every customer drops
# out with about the same probability the likelihood rises ever more slowly
# along a ridge (a and b growing together, a / (a + b) fixed)
GRADIENT_TOLERANCE = 1e-4
# beyond this a + b, the drop-out probability is the same for every customer
# (the Beta's spread is below 1 %): the expected purchases use that point
# mass, where the hypergeometric function cannot be evaluated
POINT_MASS = 1e4


def _minimize(objective, start, args, what, ridge=()):
    """Minimise ``objective`` (value and gradient) over log-parameters from
    ``start`` (parameters): L-BFGS-B within bounds, then BFGS from where it
    stopped should it stop short of the optimum.  Raises FitError unless the
    gradient vanishes at the end within the bounds."""
    theta = np.log(np.clip(np.asarray(start, dtype=float), np.exp(-BOUND), np.exp(BOUND)))
    message = ""
    with np.errstate(all="ignore"):
        for method in ("L-BFGS-B", "BFGS"):
            options = {"maxiter": 1000, "gtol": 1e-9}
            if method == "L-BFGS-B":
                options["ftol"] = 1e-14
            result = optimize.minimize(
                objective,
                theta,
                args=args,
                jac=True,
                method=method,
                bounds=[(-BOUND, BOUND)] * len(theta) if method == "L-BFGS-B" else None,
                options=options,
            )
            message = result.message
            if not (np.all(np.isfinite(result.x)) and np.isfinite(result.fun)):
                break
            at_bound = np.abs(result.x) >= BOUND - 1e-6
            on_ridge = list(ridge) and np.all(result.x[list(ridge)] > BOUND / 2)
            if on_ridge:  # the parameters that run together may stop at their bound
                at_bound[list(ridge)] = False
            if np.any(at_bound):
                raise FitError(f"{what} did not converge: a parameter ran to its bound")
            if on_ridge and np.any(np.abs(result.x[list(ridge)]) >= BOUND - 1e-6):
                return result
            gradient = objective(result.x, *args)[1]
            if np.all(np.isfinite(gradient)) and np.max(np.abs(gradient)) < GRADIENT_TOLERANCE:
                return result
            theta = result.x
    raise FitError(f"{what} did not converge: {message}")


def _arrays(*columns):
    return [np.asarray(column, dtype=float) for column in columns]


# ---------------------------------------------------------------------------
# BG/NBD
# ---------------------------------------------------------------------------
def bgnbd_loglik(params, x, t_x, T):
    """Log-likelihood of each customer (array) under BG/NBD ``params``
    (r, alpha, a, b)."""
    r, alpha, a, b = params
    x, t_x, T = _arrays(x, t_x, T)
    s = r + x
    repeat = x > 0
    common = (
        special.gammaln(s)
        - special.gammaln(r)
        + r * np.log(alpha)
        + special.gammaln(a + b)
        + special.gammaln(b + x)
        - special.gammaln(b)
        - special.gammaln(a + b + x)
    )
    u3 = -s * np.log(alpha + T)
    u4 = np.full_like(u3, -np.inf)
    u4[repeat] = np.log(a) - np.log(b + x[repeat] - 1) - s[repeat] * np.log(alpha + t_x[repeat])
    return common + np.logaddexp(u3, u4)


class _Customers:
    """Distinct (x, t_x, T) with their counts, and what the likelihood's
    terms share: the terms of x alone are computed once per distinct x,
    those of T and t_x once per distinct day count."""

    def __init__(self, x, t_x, T, w):
        self.x, self.t_x, self.T, self.w = x, t_x, T, w
        self.total = w.sum()
        self.xu, self.ix = np.unique(x, return_inverse=True)
        self.wx = np.bincount(self.ix, weights=w, minlength=len(self.xu))
        self.Tu, self.iT = np.unique(T, return_inverse=True)
        self.tu, self.itx = np.unique(t_x, return_inverse=True)
        self.repeat = x > 0
        self.w_x = w * x
        # whole numbers of repeat purchases: the terms of a and b as sums
        # over k < x (stable however large a and b grow), else gammaln
        self.whole = bool(np.all(self.xu == np.round(self.xu))) and self.xu[-1] <= 1e6


def _bgnbd_objective(theta, c):
    """Minus the mean log-likelihood of customers ``c`` (:class:`_Customers`)
    and its gradient in log-parameters."""
    r, alpha, a, b = np.exp(theta)
    xu, wx, w = c.xu, c.wx, c.w
    # the terms of x alone, weighted by how many customers have that x
    log_bx1 = np.full_like(xu, np.inf)
    log_bx1[xu > 0] = np.log(b + xu[xu > 0] - 1)
    if c.whole:
        # log Γ(b+x)Γ(a+b) / (Γ(b)Γ(a+b+x)) = Σ_{k<x} log((b+k) / (a+b+k))
        k = np.arange(int(xu[-1]))
        idx = xu.astype(int)
        beta_terms = np.concatenate([[0.0], np.cumsum(np.log1p(-a / (a + b + k)))])[idx]
        inv_abk = np.concatenate([[0.0], np.cumsum(1.0 / (a + b + k))])[idx]
        inv_bk = np.concatenate([[0.0], np.cumsum(1.0 / (b + k))])[idx]
        d_a_x, d_b_x = -inv_abk, inv_bk - inv_abk
    else:
        beta_terms = (
            special.gammaln(b + xu)
            - special.gammaln(b)
            + special.gammaln(a + b)
            - special.gammaln(a + b + xu)
        )
        dig_ab, dig_abx = special.digamma(a + b), special.digamma(a + b + xu)
        d_a_x = dig_ab - dig_abx
        d_b_x = dig_ab + special.digamma(b + xu) - special.digamma(b) - dig_abx
    ll_x = wx @ (special.gammaln(r + xu) + beta_terms) + c.total * (
        r * np.log(alpha) - special.gammaln(r)
    )
    g_r = wx @ special.digamma(r + xu) + c.total * (np.log(alpha) - special.digamma(r))
    g_alpha = c.total * r / alpha
    g_a = wx @ d_a_x
    g_b = wx @ d_b_x
    # the terms of each customer: ln(e^u3 + e^u4) = u3 + softplus(d) with
    # u3 = -(r+x) ln(α+T), u4 = ln a - ln(b+x-1) - (r+x) ln(α+t_x), d = u4 - u3;
    # the weight of u4 in the gradients is expit(d); sums of (r+x) y are
    # r Σ w y + Σ w x y
    s = r + c.x
    log_at = np.log(alpha + c.Tu)[c.iT]
    log_gap = log_at - np.log(alpha + c.tu)[c.itx]  # ln(α+T) - ln(α+t_x) >= 0
    d = (np.log(a) - log_bx1)[c.ix] + s * log_gap  # -inf where x = 0
    ww4 = w * special.expit(d)
    inv_at = (1.0 / (alpha + c.Tu))[c.iT]
    inv_gap = (1.0 / (alpha + c.tu))[c.itx] - inv_at
    inv_bx1 = np.where(xu > 0, np.exp(-log_bx1), 0.0)[c.ix]
    w_log_at = w @ log_at
    ll = ll_x - r * w_log_at - c.w_x @ log_at + w @ np.logaddexp(0.0, d)
    g_r += ww4 @ log_gap - w_log_at
    g_alpha -= r * (w @ inv_at) + c.w_x @ inv_at + (ww4 * s) @ inv_gap
    g_a += ww4.sum() / a
    g_b -= ww4 @ inv_bx1
    grad = np.array([g_r * r, g_alpha * alpha, g_a * a, g_b * b])
    return -ll / c.total, -grad / c.total


def bgnbd_fit(x, t_x, T, weights=None, start=None):
    """Maximum-likelihood BG/NBD parameters for customers (x, t_x, T) with
    ``weights`` (how many customers share each triple).

    Returns {"r", "alpha", "a", "b", "loglik", "customers",
    "repeat_customers"}; raises :class:`FitError` when the data cannot
    identify the model or the optimiser does not converge."""
    x, t_x, T = _arrays(x, t_x, T)
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float)
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(t_x)) and np.all(np.isfinite(T))):
        raise FitError("non-finite inputs")
    if np.any(x < 0) or np.any(t_x < 0) or np.any(t_x > T):
        raise FitError("inputs out of range: 0 <= x, 0 <= t_x <= T")
    total = w.sum()
    if total <= 0 or not np.any(x > 0) or not np.any(T > 0):
        raise FitError("no repeat purchase to learn from")
    if start is None:
        # a purchase rate of one in the average age, churn 1 in 2
        mean_T = max(float(w @ T) / total, 1.0)
        start = (1.0, mean_T / (1.0 + float(w @ x) / total), 1.0, 1.0)
    customers = _Customers(x, t_x, T, w)
    # a and b may run along their ridge (everyone drops out alike)
    result = _minimize(_bgnbd_objective, start, (customers,), "the purchase model", ridge=(2, 3))
    params = np.exp(result.x)
    r, alpha, a, b = (float(v) for v in params)
    return {
        "r": r,
        "alpha": alpha,
        "a": a,
        "b": b,
        "loglik": float(-result.fun * total),
        "customers": round(float(total)),
        "repeat_customers": round(float(w[x > 0].sum())),
    }


def _log_odds_inactive(params, x, t_x, T):
    """log(P(inactive) / P(active)) given the history; -inf when x = 0."""
    r, alpha, a, b = params
    x, t_x, T = _arrays(x, t_x, T)
    out = np.full(x.shape, -np.inf)
    repeat = x > 0
    xr = x[repeat]
    out[repeat] = (
        np.log(a)
        - np.log(b + xr - 1)
        + (r + xr) * np.log1p((T[repeat] - t_x[repeat]) / (alpha + t_x[repeat]))
    )
    return out


def p_alive(params, x, t_x, T):
    """Probability that each customer is still active (0..1)."""
    return special.expit(-_log_odds_inactive(params, x, t_x, T))


def purchase_factor(params, x, T, t):
    """N(x, T): the expected purchases in the next ``t`` of a customer who
    is active (FHL 2005 eq. 10 without its P(alive) denominator), with the
    hypergeometric term rewritten by Euler's transformation:
    ((α+T)/(α+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; z)
      = (1-z)^(a-1) 2F1(a+b-1-r, a-1; a+b+x-1; z),  z = t/(α+T+t),
    which stays near 1 whatever x and T are.  NaN where it cannot be
    evaluated (never expected for fitted parameters)."""
    r, alpha, a, b = params
    x, T = _arrays(x, T)
    if a + b > POINT_MASS:  # p ~ Beta(a, b + x) given the history: its mean
        p = a / (a + b + x)
        with np.errstate(all="ignore"):
            out = -np.expm1(-(r + x) * np.log1p(p * t / (alpha + T))) / p
        return np.where(np.isfinite(out) & (out >= 0), out, np.nan)
    if abs(a - 1.0) < 1e-9:  # the formula's limit, approached from one side
        a = 1.0 + 1e-9
    z = t / (alpha + T + t)
    c = a + b + x - 1
    with np.errstate(all="ignore"):
        log_one_minus_z = -np.log1p(t / (alpha + T))
        hyp = special.hyp2f1(a + b - 1 - r, a - 1, c, z)
        bracket = -np.expm1((a - 1) * log_one_minus_z + np.log(hyp))
        out = c / (a - 1) * bracket
    return np.where(np.isfinite(out) & (out >= 0), out, np.nan)


def expected_purchases(params, x, t_x, T, t):
    """Expected purchases in the next ``t`` given the history (FHL 2005
    eq. 10): N(x, T) × P(alive)."""
    return purchase_factor(params, x, T, t) * p_alive(params, x, t_x, T)


def no_purchase_probability(params, x, t_x, T, h):
    """Probability of no purchase in the next ``h``: inactive, or active
    with no purchase (posterior λ ~ Gamma(r+x, α+T)):
    1 - P(alive) (1 - ((α+T)/(α+T+h))^(r+x))."""
    r, alpha, _a, _b = params
    x, t_x, T = _arrays(x, t_x, T)
    buys_if_active = -np.expm1(-(r + x) * np.log1p(h / (alpha + T)))
    return 1.0 - p_alive(params, x, t_x, T) * buys_if_active


# ---------------------------------------------------------------------------
# Gamma-Gamma
# ---------------------------------------------------------------------------
def gg_loglik(params, x, m):
    """Log-likelihood of each repeat customer's mean spend ``m`` over ``x``
    repeat purchases under Gamma-Gamma ``params`` (p, q, v)."""
    p, q, v = params
    x, m = _arrays(x, m)
    px = p * x
    return (
        special.gammaln(px + q)
        - special.gammaln(px)
        - special.gammaln(q)
        + q * np.log(v)
        + (px - 1) * np.log(m)
        + px * np.log(x)
        - (px + q) * np.log(v + x * m)
    )


class _Spends:
    """Distinct (x, m) with their counts, and what the likelihood's terms
    share (the terms of x alone once per distinct x; the sums that do not
    depend on the parameters once)."""

    def __init__(self, x, m, w):
        self.x, self.w = x, w
        self.total = w.sum()
        self.xm = x * m
        self.wx_ = w * x
        self.xu, self.ix = np.unique(x, return_inverse=True)
        self.wx = np.bincount(self.ix, weights=w, minlength=len(self.xu))
        self.w_x_log = self.wx_ @ np.log(self.xm)  # Σ w x ln(x m)
        self.w_log_m = w @ np.log(m)


def _gg_objective(theta, c):
    """Minus the mean log-likelihood of spends ``c`` (:class:`_Spends`) and
    its gradient in log-parameters.  Per customer, one logarithm and one
    division: Σ w (p x + q) ln(v + x m) = p Σ w x L + q Σ w L."""
    p, q, v = np.exp(theta)
    xu, wx = c.xu, c.wx
    pxu = p * xu
    v_xm = v + c.xm
    log_xm_v = np.log(v_xm)
    inv_xm_v = np.reciprocal(v_xm, out=v_xm)
    sum_x_log, sum_log = c.wx_ @ log_xm_v, c.w @ log_xm_v
    sum_x_inv, sum_inv = c.wx_ @ inv_xm_v, c.w @ inv_xm_v
    ll = (
        wx @ (special.gammaln(pxu + q) - special.gammaln(pxu))
        + c.total * (q * np.log(v) - special.gammaln(q))
        + p * c.w_x_log
        - c.w_log_m
        - p * sum_x_log
        - q * sum_log
    )
    dig = special.digamma(pxu + q)
    g_p = wx @ (xu * (dig - special.digamma(pxu))) + c.w_x_log - sum_x_log
    g_q = wx @ dig + c.total * (np.log(v) - special.digamma(q)) - sum_log
    g_v = c.total * q / v - p * sum_x_inv - q * sum_inv
    grad = np.array([g_p * p, g_q * q, g_v * v])
    return -ll / c.total, -grad / c.total


def gg_fit(x, m, weights=None, start=None):
    """Maximum-likelihood Gamma-Gamma parameters on repeat customers (x >= 1)
    whose mean spend per repeat purchase ``m`` is positive.

    Returns {"p", "q", "v", "loglik", "customers"}; raises :class:`FitError`
    when it cannot be fitted, did not converge, or its mean is not finite
    (q <= 1)."""
    x, m = _arrays(x, m)
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float)
    keep = (x > 0) & (m > 0) & np.isfinite(m)
    x, m, w = x[keep], m[keep], w[keep]
    total = w.sum()
    if total <= 1:
        raise FitError("no repeat customer with a positive spend")
    if start is None:
        mean = float(w @ m) / total
        start = (1.0, 2.0, mean)
    result = _minimize(_gg_objective, start, (_Spends(x, m, w),), "the spend model")
    params = np.exp(result.x)
    p, q, v = (float(val) for val in params)
    if q <= 1:
        raise FitError("the spend model has no finite average spend (q <= 1)")
    return {
        "p": p,
        "q": q,
        "v": v,
        "loglik": float(-result.fun * total),
        "customers": round(float(total)),
    }


def gg_expected_spend(params, x, m):
    """Expected spend per purchase given x repeat purchases of mean spend m:
    a weighted mean of the population's p v / (q - 1) and the customer's m.
    A customer without a positive mean counts as having no repeat purchase."""
    p, q, v = params
    x, m = _arrays(x, m)
    known = (x > 0) & (m > 0) & np.isfinite(m)
    xk = np.where(known, x, 0.0)
    mk = np.where(known, m, 0.0)
    return p * (v + xk * mk) / (p * xk + q - 1)
