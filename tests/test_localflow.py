import pytest

from localflow.flow_runner import InvalidFlowInputs, load_flow, resolve_inputs, run_flow
from localflow.transforms import UNDEFINED, TransformError, evaluate, retry_condition
from tests.support import REPOSITORY

FLOW = REPOSITORY / "f/nix/build/flow.yaml"


def test_property_paths_are_evaluated():
    context = {"flow_input": {"a": 1}, "results": {"step": {"key": "v"}}, "previous_result": None}
    assert evaluate({"type": "javascript", "expr": "flow_input.a"}, context) == 1
    assert evaluate({"type": "javascript", "expr": " results.step.key "}, context) == "v"
    assert evaluate({"type": "javascript", "expr": "flow_input.missing"}, context) is UNDEFINED
    assert evaluate({"type": "static", "value": [1]}, context) == [1]


@pytest.mark.parametrize("expr", ["flow_input.a + 1", "`${flow_input.a}`", "process.env.X"])
def test_other_javascript_is_refused_by_name(expr):
    with pytest.raises(TransformError, match="only property paths"):
        evaluate({"type": "javascript", "expr": expr}, {"flow_input": {"a": 1}})


def test_flow_steps_are_read_in_order():
    _, steps = load_flow(FLOW)
    assert [s.id for s in steps] == ["render_config", "lock_config", "build_closure"]
    assert [s.script_path for s in steps] == [f"f/nix/build/{s.id}" for s in steps]


def test_schema_defaults_fill_missing_inputs_inside_their_groups():
    schema, _ = load_flow(FLOW)
    inputs = resolve_inputs(schema, {"guest": {"vm_name": "x"}})
    assert inputs["guest"]["vm_name"] == "x"
    assert inputs["guest"]["user_name"] == "kdevops"
    assert inputs["closure"]["profiles"] == ["build-tools", "devel", "monitoring"]
    assert inputs["lock"]["update_lock"] is False


def test_optional_chaining_reads_a_missing_group_as_undefined():
    context = {"flow_input": {"guest": {"vm_name": "x"}}}
    assert evaluate({"type": "javascript", "expr": "flow_input.guest?.vm_name"}, context) == "x"
    assert (
        evaluate({"type": "javascript", "expr": "flow_input.build?.dry_run"}, context) is UNDEFINED
    )
    with pytest.raises(TransformError, match="cannot read 'dry_run' of undefined"):
        evaluate({"type": "javascript", "expr": "flow_input.build.dry_run"}, context)


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"closure": {"profiles": ["devl"]}}, "closure.profiles.0: 'devl' is not one of"),
        ({"guest": {"vm_name": "Bad Name"}}, "guest.vm_name: 'Bad Name' does not match"),
        ({"lock": {"update_lock": "yes"}}, "lock.update_lock: 'yes' is not of type 'boolean'"),
        ({"nope": 1}, "unknown flow input(s) nope"),
        ({"guest": {"colour": "red"}}, "unknown flow input(s) guest.colour"),
        ({"vm_name": "flat"}, "unknown flow input(s) vm_name; the flow takes guest.vm_name"),
    ],
)
def test_bad_flow_inputs_are_refused(given, message):
    schema, _ = load_flow(FLOW)
    with pytest.raises(InvalidFlowInputs) as caught:
        resolve_inputs(schema, given)
    assert message in str(caught.value)


def test_steps_are_wired_and_retried_as_the_flow_says(tmp_path, mocker):
    flow = tmp_path / "flow.yaml"
    flow.write_text(
        """
value:
  modules:
    - id: first
      value: {type: script, path: f/one, input_transforms: {x: {type: javascript, expr: flow_input.x}}}
    - id: second
      retry: {constant: {attempts: 2, seconds: 5}}
      value: {type: script, path: f/two, input_transforms: {y: {type: javascript, expr: results.first.out}}}
schema: {type: object, properties: {x: {type: integer, default: 1}}}
"""
    )
    first = mocker.Mock(return_value={"out": 7})
    second = mocker.Mock(side_effect=[RuntimeError("flaky"), {"done": True}])
    mocker.patch(
        "localflow.flow_runner.script_main",
        side_effect=lambda path: {"f/one": first, "f/two": second}[path],
    )
    sleep = mocker.Mock()
    assert run_flow(flow, {"x": 3}, sleep=sleep) == {"done": True}
    first.assert_called_once_with(x=3)
    assert second.call_count == 2 and second.call_args.kwargs == {"y": 7}
    sleep.assert_called_once_with(5.0)


def test_retry_if_by_error_name():
    class FlowInputError(Exception):
        pass

    skip_input_errors = retry_condition('!["FlowInputError", "VmBusyError"].includes(error.name)')
    assert skip_input_errors(RuntimeError("network")) is True
    assert skip_input_errors(FlowInputError("bad")) is False
    assert retry_condition('["RuntimeError"].includes(error.name)')(RuntimeError()) is True


@pytest.mark.parametrize("expr", ["error.name != 'X'", "![1].includes(error.name)", "true"])
def test_other_retry_conditions_are_refused(expr):
    with pytest.raises(TransformError, match="retry_if"):
        retry_condition(expr)


def test_errors_no_retry_can_fix_are_not_retried(tmp_path, mocker):
    flow = tmp_path / "flow.yaml"
    flow.write_text(
        """
value:
  modules:
    - id: only
      retry: {constant: {attempts: 3, seconds: 30}, retry_if: {expr: '!["ValueError"].includes(error.name)'}}
      value: {type: script, path: f/one, input_transforms: {}}
"""
    )
    main = mocker.Mock(side_effect=ValueError("bad input"))
    mocker.patch("localflow.flow_runner.script_main", return_value=main)
    sleep = mocker.Mock()
    with pytest.raises(ValueError):
        run_flow(flow, {}, sleep=sleep)
    assert main.call_count == 1
    sleep.assert_not_called()
