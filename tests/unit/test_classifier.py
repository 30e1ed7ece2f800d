"""The detector linli runs (lexicon + packaged model) on the frozen blind sets, the dangers the
old lexicon missed, and the packaged model rebuilt from the corpus."""

from __future__ import annotations

import logging

import pytest

from moderation import corpus, training
from moderation.classifier import Classifier, Model
from moderation.detection import packaged_model
from moderation.detector import Detector
from moderation.evaluate import Labelled, evaluate, format_evaluation
from moderation.lexicon import load_lexicon

logging.getLogger("jieba").setLevel(logging.WARNING)


@pytest.fixture(scope="module")
def detector() -> Detector:
    return Detector(load_lexicon())


@pytest.fixture(scope="module")
def classifier(detector: Detector) -> Classifier:
    return Classifier(detector, Model(packaged_model()))


def _blind(*names: str) -> list[Labelled]:
    sets = corpus.evaluation_sets()
    return [i for name in names for i in sets[f"blind-2026-12-{name}"]]


def test_blind_sets_written_after_the_packaged_model(classifier: Classifier) -> None:
    """blind-2026-12-c and -d (360 messages, 176 reports, 61 urgent) were written by two new
    writers after model m-7c1c7bc0cda7 was committed. Its one evaluation: precision 0.972,
    recall 0.977, F1 0.975, category accuracy 0.949, urgent recall 1.000 (61/61), urgent
    precision 0.884; the lexicon alone: F1 0.804. Floors under those figures: a retrained
    model may not fall back."""
    result = evaluate(_blind("c", "d"), classifier.detect)
    report = format_evaluation(result)
    assert result.total == 360, report
    assert result.f1 >= 0.95, report
    assert result.category_accuracy >= 0.93, report
    assert result.urgent_recall >= 0.95 and result.urgent_precision >= 0.80, report


def test_older_blind_sets(classifier: Classifier) -> None:
    """blind-2026-12-a and -b (360 messages, 56 urgent) were written after the first model,
    m-ed4bbaaf1c25 (F1 0.950, category 0.931, urgent recall 0.929); never trained on. The
    packaged model: F1 0.946, category 0.925, urgent recall 0.964 (54/56), urgent precision
    0.675 (these writers call fewer things urgent)."""
    result = evaluate(_blind("a", "b"), classifier.detect)
    report = format_evaluation(result)
    assert result.f1 >= 0.93, report
    assert result.category_accuracy >= 0.91, report
    assert result.urgent_recall >= 0.92, report


@pytest.mark.parametrize("text", ["我屋里闻到一股煤气味，好浓", "我家好像煤气泄漏了，味道很大",
                                  "插座在冒火花 我屋里都是焦味"])
def test_dangers_at_home_are_urgent_reports(classifier: Classifier, text: str) -> None:
    found = classifier.detect(text)
    assert found.is_report and found.urgency == "urgent", found


def test_non_reports_are_not_drafted(classifier: Classifier) -> None:
    for text in ("今晚吃火锅 🔥 好巴适", "请问明天几点停水", "电梯已经修好了 谢谢物业",
                 "气得我心里冒火", "手机没电了 先下了"):
        assert not classifier.detect(text).is_report, text


def test_explanation_without_lexicon_matches(classifier: Classifier) -> None:
    found = classifier.detect("对面楼顶那个大喇叭每天早上六点放歌")
    assert found.is_report and found.category == "噪音扰民" and found.matches
    found = classifier.detect("楼下快递柜又坏了")
    assert found.is_report and found.matches == ("坏了",), found  # not 又


@pytest.mark.timeout(600)  # one full training: about a minute on a busy two-core machine
def test_packaged_model_rebuilds_from_the_corpus(detector: Detector) -> None:
    """`linli detect train` on the committed corpus gives the packaged model (checked by its
    decisions: bit-identical floats are not promised across BLAS builds)."""
    rebuilt = Classifier(detector, Model(training.versioned(
        training.train(detector, corpus.by_writer(), "corpus").model)))
    shipped = Classifier(detector, Model(packaged_model()))
    texts = [i.text for items in corpus.by_writer().values() for i in items]
    differ = [t for t in texts if rebuilt.detect(t) != shipped.detect(t)]
    assert len(differ) <= len(texts) // 200, differ[:10]
