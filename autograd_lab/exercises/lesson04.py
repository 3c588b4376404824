"""Lesson 4, non-scalar outputs and the vector-Jacobian product: the exercises' right answers."""

from . import EXERCISES, Exercise

EXERCISES["04.1"] = Exercise(
    "the gradient x.grad after z.backward(v)", lambda: [6.0, 5.0, 3.0],
    mistakes=(([1.0, 3.0, 6.0], "Those are the running totals of v from the start: J·v. "
                                "Backward computes vᵀJ: each x_j collects v_i from every "
                                "output z_i that contains it."),
              ([5.0, -2.0, 7.0], "Those are the values of x; z is linear in x, so the gradient "
                                 "does not depend on them.")))
EXERCISES["04.2"] = Exercise(
    "the seed vector v", lambda: [0.25, 0.25, 0.25, 0.25],
    mistakes=(([1.0, 1.0, 1.0, 1.0], "A seed of ones gives the gradient of z.sum(). The mean "
                                     "divides the sum by the number of elements."),
              ([2.0, 4.0, 6.0, 8.0], "That is a gradient with respect to x. The seed is the "
                                     "gradient of the mean with respect to z.")))
EXERCISES["04.3"] = Exercise(
    "the gradient x.grad after the loop's backward", lambda: [256.0, -256.0, 128.0],
    mistakes=(([128.0, -128.0, 64.0], "Count the first x * 2 as a doubling too."),
              ([512.0, -512.0, 256.0], "The loop stops as soon as the length is no longer "
                                       "below 1000: check the last doubling.")))
