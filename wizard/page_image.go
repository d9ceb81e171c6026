package wizard

import "github.com/refimage/refimage/engine/sequence"

// Image Properties (configmgr.md §1.9): created by, version, description.
func init() {
	const pg = "image"
	register(&Page{ID: PageImage, Key: pg, Fields: imageFields(pg)})
}

func imageFields(pg string) []*Field {
	return []*Field{
		strField(pg, "created_by", KindText, func(a *Answers) *string { return &a.CreatedBy }).WithMax(sequence.MaxImageText).Limit(),
		strField(pg, "version", KindText, func(a *Answers) *string { return &a.ImageVersion }).WithMax(sequence.MaxImageVersion).Limit(),
		strField(pg, "description", KindText, func(a *Answers) *string { return &a.ImageDescription }).WithMax(sequence.MaxImageText).Limit(),
	}
}
