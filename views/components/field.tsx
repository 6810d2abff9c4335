// A labelled form field with its hint and its error next to it.

export function Field(props: { id: string; name: string; label: string; type?: string; value?: string; error?: string; hint?: string; required?: boolean; autocomplete?: string; min?: number; max?: number; maxlength?: number; inputmode?: string }): JSX.Element {
  const describedBy = [props.hint ? `${props.id}-hint` : "", props.error ? `${props.id}-error` : ""].filter(Boolean).join(" ") || undefined;
  return (
    <div class="field">
      <label for={props.id} safe>{props.label}</label>
      <input
        id={props.id}
        name={props.name}
        type={props.type ?? "text"}
        value={props.value}
        required={props.required}
        autocomplete={props.autocomplete}
        min={props.min === undefined ? undefined : String(props.min)}
        max={props.max === undefined ? undefined : String(props.max)}
        maxlength={props.maxlength === undefined ? undefined : String(props.maxlength)}
        inputmode={props.inputmode as never}
        aria-invalid={props.error ? "true" : undefined}
        aria-describedby={describedBy}
      />
      {props.hint ? <span class="hint" id={`${props.id}-hint`} safe>{props.hint}</span> : ""}
      {props.error ? <span class="error" id={`${props.id}-error`} role="alert" safe>{props.error}</span> : ""}
    </div>
  );
}
