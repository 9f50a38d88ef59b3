package dev.sparx.kernels;

/** erf in float64 for the tests' references: Java has none. */
final class Erf {

    private Erf() {}

    /**
     * 1 + erf(z), to about 1e-14 relative: the Maclaurin series for |z| &lt;= 2.5 (its alternating
     * terms lose at most 3 of float64's 16 digits there), and erfc(|z|) by its continued fraction
     * beyond, so that 1 + erf(z) = erfc(-z) keeps its relative accuracy in the left tail.
     *
     * @param z any value
     * @return 1 + erf(z)
     */
    static double onePlusErf(double z) {
        if (Math.abs(z) <= 2.5) {
            double term = z;
            double sum = z;
            for (int n = 1; n < 200 && Math.abs(term) > 1e-18; n++) {
                term *= -z * z / n;
                sum += term / (2 * n + 1);
            }
            return 1 + 2 / Math.sqrt(Math.PI) * sum;
        }
        double erfc = erfcContinuedFraction(Math.abs(z));
        return z < 0 ? erfc : 2 - erfc;
    }

    /** erfc(x) for x &gt; 2 as e^-x^2/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), bottom up. */
    private static double erfcContinuedFraction(double x) {
        double tail = x;
        for (int k = 120; k >= 1; k--) {
            tail = x + (k / 2.0) / tail;
        }
        return Math.exp(-x * x) / Math.sqrt(Math.PI) / tail;
    }
}
