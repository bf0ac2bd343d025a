/* The best route through jieba's DAG of one block, and the words along it:
 * kg.nlp.tokenizer._route and _cut_dag in C.
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

/* The best route through the DAG of blk (n characters): nxt[k] is the end of the best word
 * starting at k (score, n + 1 slots, is the work space). Returns 0, or -1 with an exception set. */
static int fill_route(PyObject *blk, Py_ssize_t n, PyObject *freq, PyObject *memo, double logtotal,
                      double *score, Py_ssize_t *nxt) {
    score[n] = 0.0;
    nxt[n] = 0;
    const double neg = 0.0 - logtotal;
    for (Py_ssize_t k = n - 1; k >= 0; k--) {
        double best = -INFINITY;
        Py_ssize_t bx = -1;
        for (Py_ssize_t i = k; i < n; i++) {
            PyObject *frag = PyUnicode_Substring(blk, k, i + 1);
            if (!frag)
                return -1;
            PyObject *lp = PyDict_GetItemWithError(memo, frag); /* borrowed */
            if (!lp) {
                if (PyErr_Occurred()) {
                    Py_DECREF(frag);
                    return -1;
                }
                PyObject *f = PyDict_GetItemWithError(freq, frag); /* borrowed */
                if (!f) {
                    Py_DECREF(frag);
                    if (PyErr_Occurred())
                        return -1;
                    break; /* not even a prefix of a dictionary word: the scan ends */
                }
                int truth = PyObject_IsTrue(f);
                if (truth < 0) {
                    Py_DECREF(frag);
                    return -1;
                }
                PyObject *value;
                if (truth) {
                    double fv = PyFloat_AsDouble(f);
                    if (fv == -1.0 && PyErr_Occurred()) {
                        Py_DECREF(frag);
                        return -1;
                    }
                    value = PyFloat_FromDouble(log(fv) - logtotal);
                    if (!value) {
                        Py_DECREF(frag);
                        return -1;
                    }
                } else {
                    value = Py_NewRef(Py_None);
                }
                if (PyDict_SetItem(memo, frag, value) < 0) {
                    Py_DECREF(value);
                    Py_DECREF(frag);
                    return -1;
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
    return 0;
}

/* The best route through the DAG of blk (see fill_route): n + 1 ends, to PyMem_Free, or
 * NULL with an exception set. */
static Py_ssize_t *best_route(PyObject *blk, Py_ssize_t n, PyObject *freq, PyObject *memo, double logtotal) {
    double *score = PyMem_Malloc((size_t)(n + 1) * sizeof(double));
    Py_ssize_t *nxt = PyMem_Malloc((size_t)(n + 1) * sizeof(Py_ssize_t));
    if (!score || !nxt) {
        PyErr_NoMemory();
    } else if (fill_route(blk, n, freq, memo, logtotal, score, nxt) == 0) {
        PyMem_Free(score);
        return nxt;
    }
    PyMem_Free(score);
    PyMem_Free(nxt);
    return NULL;
}

static PyObject *route(PyObject *self, PyObject *args) {
    PyObject *blk, *freq, *memo;
    double logtotal;
    if (!PyArg_ParseTuple(args, "UO!O!d", &blk, &PyDict_Type, &freq, &PyDict_Type, &memo, &logtotal))
        return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(blk);
    Py_ssize_t *nxt = best_route(blk, n, freq, memo, logtotal);
    if (!nxt)
        return NULL;
    PyObject *out = PyList_New(n + 1);
    for (Py_ssize_t k = 0; out && k <= n; k++) {
        PyObject *v = PyLong_FromSsize_t(nxt[k]);
        if (!v)
            Py_CLEAR(out);
        else
            PyList_SET_ITEM(out, k, v);
    }
    PyMem_Free(nxt);
    return out;
}

/* Append blk[start:end] to out. */
static int append_slice(PyObject *out, PyObject *blk, Py_ssize_t start, Py_ssize_t end) {
    PyObject *word = PyUnicode_Substring(blk, start, end);
    if (!word)
        return -1;
    int r = PyList_Append(out, word);
    Py_DECREF(word);
    return r;
}

/* jieba's handling of a run of single characters blk[start:end] (tokenizer._flush): one
 * character as it is; a run that is no dictionary word to the HMM (hmm(run, out)); a run
 * that is one, character by character. */
static int flush(PyObject *blk, Py_ssize_t start, Py_ssize_t end, PyObject *freq, PyObject *out, PyObject *hmm) {
    if (end - start == 1)
        return append_slice(out, blk, start, end);
    PyObject *buf = PyUnicode_Substring(blk, start, end);
    if (!buf)
        return -1;
    PyObject *f = PyDict_GetItemWithError(freq, buf); /* borrowed */
    int truth = 0;
    if (f) {
        truth = PyObject_IsTrue(f);
    } else if (PyErr_Occurred()) {
        truth = -1;
    }
    if (truth < 0) {
        Py_DECREF(buf);
        return -1;
    }
    if (!truth) {
        PyObject *r = PyObject_CallFunctionObjArgs(hmm, buf, out, NULL);
        Py_DECREF(buf);
        if (!r)
            return -1;
        Py_DECREF(r);
        return 0;
    }
    Py_DECREF(buf);
    for (Py_ssize_t k = start; k < end; k++)
        if (append_slice(out, blk, k, k + 1) < 0)
            return -1;
    return 0;
}

/* tokenizer._cut_dag: the words of blk along the best route, runs of single characters
 * handled by flush, appended to out. */
static PyObject *cut(PyObject *self, PyObject *args) {
    PyObject *blk, *freq, *memo, *out, *hmm;
    double logtotal;
    if (!PyArg_ParseTuple(args, "UO!O!dO!O", &blk, &PyDict_Type, &freq, &PyDict_Type, &memo, &logtotal,
                          &PyList_Type, &out, &hmm))
        return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(blk);
    Py_ssize_t *nxt = best_route(blk, n, freq, memo, logtotal);
    if (!nxt)
        return NULL;
    PyObject *result = NULL;
    Py_ssize_t run = -1; /* start of the current run of single characters */
    for (Py_ssize_t x = 0; x < n;) {
        Py_ssize_t y = nxt[x];
        if (y - x == 1) {
            if (run < 0)
                run = x;
        } else {
            if (run >= 0) {
                if (flush(blk, run, x, freq, out, hmm) < 0)
                    goto done;
                run = -1;
            }
            if (append_slice(out, blk, x, y) < 0)
                goto done;
        }
        x = y;
    }
    if (run >= 0 && flush(blk, run, n, freq, out, hmm) < 0)
        goto done;
    result = Py_NewRef(Py_None);
done:
    PyMem_Free(nxt);
    return result;
}

/* ------------------------------------------------------------------ the HMM for unknown words */

/* Append word to out, or its characters one by one if it is in force (jieba's Force_Split_Words). */
static int force_split(PyObject *out, PyObject *blk, Py_ssize_t start, Py_ssize_t end, PyObject *force) {
    PyObject *word = PyUnicode_Substring(blk, start, end);
    if (!word)
        return -1;
    int split = PySet_GET_SIZE(force) ? PySet_Contains(force, word) : 0;
    if (split < 0) {
        Py_DECREF(word);
        return -1;
    }
    int r;
    if (split) {
        r = 0;
        for (Py_ssize_t k = start; k < end && r == 0; k++)
            r = append_slice(out, blk, k, k + 1);
    } else {
        r = PyList_Append(out, word);
    }
    Py_DECREF(word);
    return r;
}

/* emit.get(character blk[i], low) */
static int emission(PyObject *emit, PyObject *chars[], Py_ssize_t i, double low, double *value) {
    PyObject *v = PyDict_GetItemWithError(emit, chars[i]); /* borrowed */
    if (!v) {
        if (PyErr_Occurred())
            return -1;
        *value = low;
        return 0;
    }
    *value = PyFloat_AsDouble(v);
    return (*value == -1.0 && PyErr_Occurred()) ? -1 : 0;
}

/* tokenizer._viterbi + the cutting of _hmm_cut for one run of Han characters blk[start:end]:
 * the same sums in the same order, the same tie-breaks. */
static int viterbi_cut(PyObject *blk, Py_ssize_t start, Py_ssize_t end, const double *sp, PyObject **emit,
                       const double *tr, double low, PyObject *force, PyObject *out) {
    Py_ssize_t n = end - start;
    PyObject **chars = PyMem_Malloc((size_t)n * sizeof(PyObject *));
    char *back = PyMem_Malloc((size_t)n * 4); /* per position: the previous state of B, M, E, S */
    char *tags = PyMem_Malloc((size_t)n);
    int r = -1;
    Py_ssize_t made = 0;
    if (!chars || !back || !tags) {
        PyErr_NoMemory();
        goto done;
    }
    for (; made < n; made++) {
        chars[made] = PyUnicode_Substring(blk, start + made, start + made + 1);
        if (!chars[made])
            goto done;
    }
    /* tr: EB, SB, MM, BM, SS, ES, BE, ME */
    double x, a, b;
    double vb, vm, ve, vs, nb, nm, ne, ns;
    if (emission(emit[0], chars, 0, low, &x) < 0) goto done;
    vb = sp[0] + x;
    if (emission(emit[1], chars, 0, low, &x) < 0) goto done;
    vm = sp[1] + x;
    if (emission(emit[2], chars, 0, low, &x) < 0) goto done;
    ve = sp[2] + x;
    if (emission(emit[3], chars, 0, low, &x) < 0) goto done;
    vs = sp[3] + x;
    for (Py_ssize_t i = 1; i < n; i++) {
        char *bk = back + 4 * i;
        if (emission(emit[0], chars, i, low, &x) < 0) goto done;
        a = ve + tr[0] + x;
        b = vs + tr[1] + x;
        if (b >= a) { nb = b; bk[0] = 'S'; } else { nb = a; bk[0] = 'E'; }
        if (emission(emit[1], chars, i, low, &x) < 0) goto done;
        a = vm + tr[2] + x;
        b = vb + tr[3] + x;
        if (a >= b) { nm = a; bk[1] = 'M'; } else { nm = b; bk[1] = 'B'; }
        if (emission(emit[2], chars, i, low, &x) < 0) goto done;
        a = vb + tr[6] + x;
        b = vm + tr[7] + x;
        if (b >= a) { ne = b; bk[2] = 'M'; } else { ne = a; bk[2] = 'B'; }
        if (emission(emit[3], chars, i, low, &x) < 0) goto done;
        a = vs + tr[4] + x;
        b = ve + tr[5] + x;
        if (a >= b) { ns = a; bk[3] = 'S'; } else { ns = b; bk[3] = 'E'; }
        vb = nb; vm = nm; ve = ne; vs = ns;
    }
    char state = vs >= ve ? 'S' : 'E';
    tags[n - 1] = state;
    for (Py_ssize_t i = n - 1; i > 0; i--) {
        int slot = state == 'B' ? 0 : state == 'M' ? 1 : state == 'E' ? 2 : 3;
        state = back[4 * i + slot];
        tags[i - 1] = state;
    }
    Py_ssize_t begin = 0, next = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (tags[i] == 'B') {
            begin = i;
        } else if (tags[i] == 'E') {
            if (force_split(out, blk, start + begin, start + i + 1, force) < 0) goto done;
            next = i + 1;
        } else if (tags[i] == 'S') {
            if (force_split(out, blk, start + i, start + i + 1, force) < 0) goto done;
            next = i + 1;
        }
    }
    if (next < n && force_split(out, blk, start + next, end, force) < 0)
        goto done;
    r = 0;
done:
    for (Py_ssize_t i = 0; i < made; i++)
        Py_DECREF(chars[i]);
    PyMem_Free(chars);
    PyMem_Free(back);
    PyMem_Free(tags);
    return r;
}

static int is_han(Py_UCS4 c) { return c >= 0x4E00 && c <= 0x9FD5; } /* jieba.finalseg.re_han */

/* tokenizer._hmm_cut: hmm(start, emit, trans, low, force, other, buf, out). Runs of Han
 * characters go through the HMM; every other run to other(run, out) (jieba's re_skip split). */
static PyObject *hmm(PyObject *self, PyObject *args) {
    PyObject *start, *emit, *trans, *force, *other, *buf, *out;
    double low;
    if (!PyArg_ParseTuple(args, "O!O!O!dO!OUO!", &PyTuple_Type, &start, &PyTuple_Type, &emit, &PyTuple_Type, &trans,
                          &low, &PySet_Type, &force, &other, &buf, &PyList_Type, &out))
        return NULL;
    if (PyTuple_GET_SIZE(start) != 4 || PyTuple_GET_SIZE(emit) != 4 || PyTuple_GET_SIZE(trans) != 8) {
        PyErr_SetString(PyExc_ValueError, "start, emit and trans hold 4, 4 and 8 entries");
        return NULL;
    }
    double sp[4], tr[8];
    PyObject *em[4];
    for (int i = 0; i < 4; i++) {
        sp[i] = PyFloat_AsDouble(PyTuple_GET_ITEM(start, i));
        em[i] = PyTuple_GET_ITEM(emit, i);
        if (!PyDict_Check(em[i])) {
            PyErr_SetString(PyExc_TypeError, "emit holds dicts");
            return NULL;
        }
    }
    for (int i = 0; i < 8; i++)
        tr[i] = PyFloat_AsDouble(PyTuple_GET_ITEM(trans, i));
    if (PyErr_Occurred())
        return NULL;
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(buf) < 0)
        return NULL;
#endif
    Py_ssize_t n = PyUnicode_GET_LENGTH(buf);
    int kind = PyUnicode_KIND(buf);
    const void *data = PyUnicode_DATA(buf);
    Py_ssize_t i = 0;
    while (i < n) {
        Py_ssize_t j = i;
        int han = is_han(PyUnicode_READ(kind, data, i));
        while (j < n && is_han(PyUnicode_READ(kind, data, j)) == han)
            j++;
        if (han) {
            if (viterbi_cut(buf, i, j, sp, em, tr, low, force, out) < 0)
                return NULL;
        } else {
            PyObject *run = PyUnicode_Substring(buf, i, j);
            if (!run)
                return NULL;
            PyObject *r = PyObject_CallFunctionObjArgs(other, run, out, NULL);
            Py_DECREF(run);
            if (!r)
                return NULL;
            Py_DECREF(r);
        }
        i = j;
    }
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"route", route, METH_VARARGS, "route(blk, freq, memo, logtotal) -> end of the best word at each offset"},
    {"cut", cut, METH_VARARGS, "cut(blk, freq, memo, logtotal, out, hmm): append blk's words to out"},
    {"hmm", hmm, METH_VARARGS, "hmm(start, emit, trans, low, force, other, buf, out): the HMM's words of buf"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_route", NULL, -1, methods};

PyMODINIT_FUNC PyInit__route(void) { return PyModule_Create(&module); }
