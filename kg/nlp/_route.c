/* The best route through jieba's DAG of one block: kg.nlp.tokenizer._route in C.
 *
 * Same algorithm, same memo (a dict shared with the Python version: fragment -> float
 * log-probability, or None for a mere prefix), same double arithmetic in the same order
 * (log(freq) - log(total), then sums right to left), same tie-break (">=": the longest word
 * among equal scores), so the words are exactly jieba.cut's. Optional: without a compiler
 * kg uses the Python version (tests/test_nlp_tokenizer.py checks both against jieba.cut).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>

static PyObject *route(PyObject *self, PyObject *args) {
    PyObject *blk, *freq, *memo;
    double logtotal;
    if (!PyArg_ParseTuple(args, "UO!O!d", &blk, &PyDict_Type, &freq, &PyDict_Type, &memo, &logtotal))
        return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(blk);
    double *score = PyMem_Malloc((size_t)(n + 1) * sizeof(double));
    Py_ssize_t *nxt = PyMem_Malloc((size_t)(n + 1) * sizeof(Py_ssize_t));
    if (!score || !nxt) {
        PyMem_Free(score);
        PyMem_Free(nxt);
        return PyErr_NoMemory();
    }
    score[n] = 0.0;
    nxt[n] = 0;
    const double neg = 0.0 - logtotal;
    for (Py_ssize_t k = n - 1; k >= 0; k--) {
        double best = -INFINITY;
        Py_ssize_t bx = -1;
        for (Py_ssize_t i = k; i < n; i++) {
            PyObject *frag = PyUnicode_Substring(blk, k, i + 1);
            if (!frag)
                goto fail;
            PyObject *lp = PyDict_GetItemWithError(memo, frag); /* borrowed */
            if (!lp) {
                if (PyErr_Occurred()) {
                    Py_DECREF(frag);
                    goto fail;
                }
                PyObject *f = PyDict_GetItemWithError(freq, frag); /* borrowed */
                if (!f) {
                    Py_DECREF(frag);
                    if (PyErr_Occurred())
                        goto fail;
                    break; /* not even a prefix of a dictionary word: the scan ends */
                }
                int truth = PyObject_IsTrue(f);
                if (truth < 0) {
                    Py_DECREF(frag);
                    goto fail;
                }
                PyObject *value;
                if (truth) {
                    double fv = PyFloat_AsDouble(f);
                    if (fv == -1.0 && PyErr_Occurred()) {
                        Py_DECREF(frag);
                        goto fail;
                    }
                    value = PyFloat_FromDouble(log(fv) - logtotal);
                    if (!value) {
                        Py_DECREF(frag);
                        goto fail;
                    }
                } else {
                    value = Py_NewRef(Py_None);
                }
                if (PyDict_SetItem(memo, frag, value) < 0) {
                    Py_DECREF(value);
                    Py_DECREF(frag);
                    goto fail;
                }
                lp = value;
                Py_DECREF(value); /* the memo holds it */
            }
            Py_DECREF(frag);
            if (lp != Py_None) {
                double s = PyFloat_AS_DOUBLE(lp) + score[i + 1];
                if (s >= best) {
                    best = s;
                    bx = i;
                }
            }
        }
        if (bx < 0) {
            best = neg + score[k + 1];
            bx = k;
        }
        score[k] = best;
        nxt[k] = bx + 1;
    }
    PyObject *out = PyList_New(n + 1);
    if (!out)
        goto fail;
    for (Py_ssize_t k = 0; k <= n; k++) {
        PyObject *v = PyLong_FromSsize_t(nxt[k]);
        if (!v) {
            Py_DECREF(out);
            goto fail;
        }
        PyList_SET_ITEM(out, k, v);
    }
    PyMem_Free(score);
    PyMem_Free(nxt);
    return out;
fail:
    PyMem_Free(score);
    PyMem_Free(nxt);
    return NULL;
}

static PyMethodDef methods[] = {
    {"route", route, METH_VARARGS, "route(blk, freq, memo, logtotal) -> end of the best word at each offset"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_route", NULL, -1, methods};

PyMODINIT_FUNC PyInit__route(void) { return PyModule_Create(&module); }
